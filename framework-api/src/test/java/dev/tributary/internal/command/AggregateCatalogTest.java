package dev.tributary.internal.command;

import dev.tributary.api.NoHandlerForCommandException;
import dev.tributary.api.StreamSpec;
import dev.tributary.conformance.command.AccountCommands.CloseAccount;
import dev.tributary.conformance.command.AccountCommands.Deposit;
import dev.tributary.conformance.command.AccountCommands.DepositThenFail;
import dev.tributary.conformance.command.AccountCommands.DepositTwice;
import dev.tributary.conformance.command.AccountCommands.OpenAccount;
import dev.tributary.conformance.command.AccountCommands.SlowDeposit;
import dev.tributary.conformance.command.TestAccount;
import dev.tributary.conformance.command.TestCounter;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregateCatalogTest {

    /** Handles a command that TestAccount handles too. */
    public static class RivalAccount {
        @AggregateIdentifier
        private String accountId;

        @CommandHandler
        public void handle(Deposit command) {
        }
    }

    /** Has nothing that could change it. */
    public static class Inert {
        @AggregateIdentifier
        private String id;
    }

    @Test
    void an_aggregate_handles_the_commands_of_its_constructor_and_methods() {
        AggregateCatalog catalog = new AggregateCatalog(Map.of(TestAccount.class, StreamSpec.of("accounts", 3)));

        AggregateCatalog.AggregateType<?> type = catalog.handlerOf(asCommandMessage(new Deposit("a", 1)));

        assertSame(TestAccount.class, type.type());
        assertEquals("accounts", type.stream());
        assertEquals(3, type.partitions());
        assertEquals(Set.of(OpenAccount.class.getName(), Deposit.class.getName(), DepositTwice.class.getName(),
                DepositThenFail.class.getName(), SlowDeposit.class.getName()), type.commandNames());
    }

    @Test
    void each_command_maps_to_the_aggregate_type_that_handles_it() {
        Map<Class<?>, StreamSpec> streams = new LinkedHashMap<>();
        streams.put(TestAccount.class, StreamSpec.of("accounts", 2));
        streams.put(TestCounter.class, StreamSpec.of("counters", 2));
        AggregateCatalog catalog = new AggregateCatalog(streams);

        assertSame(TestCounter.class, catalog.handlerOf(asCommandMessage(new TestCounter.Increment("c"))).type());
        assertSame(TestAccount.class, catalog.handlerOf(asCommandMessage(new OpenAccount("a", "ann"))).type());
        assertEquals(Set.of("accounts", "counters"), catalog.byStream().keySet());
    }

    @Test
    void a_command_no_aggregate_handles_is_refused_naming_it() {
        AggregateCatalog catalog = new AggregateCatalog(Map.of(TestAccount.class, StreamSpec.of("accounts", 1)));

        NoHandlerForCommandException e = assertThrows(NoHandlerForCommandException.class,
                () -> catalog.handlerOf(asCommandMessage(new CloseAccount("a"))));

        assertTrue(e.getMessage().contains(CloseAccount.class.getName()), e.getMessage());
    }

    @Test
    void two_aggregate_types_handling_one_command_are_refused_naming_both() {
        Map<Class<?>, StreamSpec> streams = new LinkedHashMap<>();
        streams.put(TestAccount.class, StreamSpec.of("accounts", 1));
        streams.put(RivalAccount.class, StreamSpec.of("rivals", 1));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AggregateCatalog(streams));

        assertTrue(e.getMessage().contains(TestAccount.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(RivalAccount.class.getName()), e.getMessage());
    }

    @Test
    void an_aggregate_without_command_handlers_is_refused_naming_it() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AggregateCatalog(Map.of(Inert.class, StreamSpec.of("inert", 1))));

        assertTrue(e.getMessage().contains(Inert.class.getName()), e.getMessage());
    }
}
