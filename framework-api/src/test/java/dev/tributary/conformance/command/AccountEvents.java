package dev.tributary.conformance.command;

/** The events {@link TestAccount} applies. */
public final class AccountEvents {

    private AccountEvents() {
    }

    public record AccountOpened(String accountId, String owner) {
    }

    public record Deposited(String accountId, long amount) {
    }
}
