package dev.tributary.sample.pos.load;

/** The kinds of stock movement the ledger counts, each with its sign in the expected stock. */
public enum Movement {
    OPENING(1),
    RECEIVED(1),
    SOLD(-1),
    VOIDED(1),
    RETURNED(1),
    TRANSFERRED_IN(1),
    TRANSFERRED_OUT(-1),
    ADJUSTED(1);

    private final int sign;

    Movement(int sign) {
        this.sign = sign;
    }

    public int sign() {
        return sign;
    }
}
