package dev.tributary.conformance.command;

import dev.tributary.conformance.command.AccountCommands.DepositThenFail;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.DepositTwice;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountCommands.RejectedAmountException;
import dev.tributary.conformance.command.AccountCommands.SlowDeposit;
import dev.tributary.conformance.command.AccountEvents.AccountOpened;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The suites' aggregate: a plain Axon-annotated class, with a creating constructor, handlers that return values and
 * throw checked and unchecked exceptions, one that applies two events, one that applies an event and then throws,
 * and one that takes a while. Every handler reports its entry and exit to {@link ConcurrencyProbe}.
 */
public class TestAccount {

    @AggregateIdentifier
    private String accountId;
    private String owner;
    private long balance;

    /** For Axon, which rebuilds the aggregate from its events. */
    protected TestAccount() {
    }

    @CommandHandler
    public TestAccount(OpenAccount command) {
        ConcurrencyProbe.enter(command.accountId());
        try {
            apply(new AccountOpened(command.accountId(), command.owner()));
        } finally {
            ConcurrencyProbe.exit(command.accountId());
        }
    }

    /** @return the balance after the deposit */
    @CommandHandler
    public long handle(Deposit command) throws RejectedAmountException {
        ConcurrencyProbe.enter(accountId);
        try {
            if (command.amount() <= 0) {
                throw new RejectedAmountException(command.amount());
            }
            apply(new Deposited(accountId, command.amount()));
            return balance;
        } finally {
            ConcurrencyProbe.exit(accountId);
        }
    }

    @CommandHandler
    public void handle(DepositTwice command) {
        ConcurrencyProbe.enter(accountId);
        try {
            apply(new Deposited(accountId, command.amount()));
            apply(new Deposited(accountId, command.amount()));
        } finally {
            ConcurrencyProbe.exit(accountId);
        }
    }

    /** @return the balance after the deposit */
    @CommandHandler
    public long handle(SlowDeposit command) throws InterruptedException {
        ConcurrencyProbe.enter(accountId);
        try {
            Thread.sleep(command.handlerMillis());
            apply(new Deposited(accountId, command.amount()));
            return balance;
        } finally {
            ConcurrencyProbe.exit(accountId);
        }
    }

    @CommandHandler
    public void handle(DepositThenFail command) {
        ConcurrencyProbe.enter(accountId);
        try {
            apply(new Deposited(accountId, command.amount()));
            throw new IllegalStateException("failing after applying a deposit of " + command.amount());
        } finally {
            ConcurrencyProbe.exit(accountId);
        }
    }

    @EventSourcingHandler
    void on(AccountOpened event) {
        accountId = event.accountId();
        owner = event.owner();
    }

    @EventSourcingHandler
    void on(Deposited event) {
        balance += event.amount();
    }

    public String owner() {
        return owner;
    }

    public long balance() {
        return balance;
    }
}
