package dev.tributary.conformance.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The commands {@link TestAccount} handles, and one that nothing handles. */
public final class AccountCommands {

    private AccountCommands() {
    }

    public record OpenAccount(@TargetAggregateIdentifier String accountId, String owner) {
    }

    public record Deposit(@TargetAggregateIdentifier String accountId, long amount) {
    }

    public record DepositTwice(@TargetAggregateIdentifier String accountId, long amount) {
    }

    /** A deposit whose handler takes {@code handlerMillis} before applying it, as a handler doing real work would. */
    public record SlowDeposit(@TargetAggregateIdentifier String accountId, long amount, long handlerMillis) {
    }

    public record DepositThenFail(@TargetAggregateIdentifier String accountId, long amount) {
    }

    /** Registered with no aggregate. */
    public record CloseAccount(@TargetAggregateIdentifier String accountId) {
    }

    /** A checked exception, to show that the sender receives it unchanged. */
    public static final class RejectedAmountException extends Exception {

        public RejectedAmountException(long amount) {
            super("an amount must be positive, got " + amount);
        }
    }
}
