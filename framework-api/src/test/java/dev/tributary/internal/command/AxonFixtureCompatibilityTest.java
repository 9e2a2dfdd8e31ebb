package dev.tributary.internal.command;

import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.DepositThenFail;
import dev.tributary.conformance.command.AccountCommands.DepositTwice;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountCommands.RejectedAmountException;
import dev.tributary.conformance.command.AccountEvents.AccountOpened;
import dev.tributary.conformance.command.AccountEvents.Deposited;
import dev.tributary.conformance.command.TestAccount;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The aggregate the command suites run on Tributary is an ordinary Axon aggregate: Axon's own test fixture drives
 * it unchanged, so users keep testing their aggregates the Axon way.
 */
class AxonFixtureCompatibilityTest {

    private AggregateTestFixture<TestAccount> fixture;

    @BeforeEach
    void createFixture() {
        fixture = new AggregateTestFixture<>(TestAccount.class);
    }

    @Test
    void a_creating_command_yields_its_event_and_the_new_aggregate() {
        fixture.givenNoPriorActivity()
                .when(new OpenAccount("acc-1", "ann"))
                .expectEvents(new AccountOpened("acc-1", "ann"))
                .expectState(account -> assertEquals("ann", account.owner()));
    }

    @Test
    void a_command_on_past_events_returns_its_result_and_yields_its_events() {
        fixture.given(new AccountOpened("acc-1", "ann"), new Deposited("acc-1", 5))
                .when(new Deposit("acc-1", 7))
                .expectResultMessagePayload(12L)
                .expectEvents(new Deposited("acc-1", 7))
                .expectState(account -> assertEquals(12, account.balance()));
    }

    @Test
    void a_command_applying_two_events_yields_both() {
        fixture.given(new AccountOpened("acc-1", "ann"))
                .when(new DepositTwice("acc-1", 3))
                .expectEvents(new Deposited("acc-1", 3), new Deposited("acc-1", 3))
                .expectState(account -> assertEquals(6, account.balance()));
    }

    @Test
    void a_rejected_command_throws_its_own_exception_and_yields_no_events() {
        fixture.given(new AccountOpened("acc-1", "ann"), new Deposited("acc-1", 5))
                .when(new Deposit("acc-1", -1))
                .expectException(RejectedAmountException.class)
                .expectNoEvents();
    }

    @Test
    void a_command_failing_after_applying_throws_its_exception() {
        fixture.given(new AccountOpened("acc-1", "ann"))
                .when(new DepositThenFail("acc-1", 9))
                .expectException(IllegalStateException.class);
    }
}
