package dev.tributary.internal.command;

import dev.tributary.api.NoHandlerForCommandException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.IdentifierMissingException;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetResolverTest {

    private final TargetResolver resolver = new TargetResolver();

    record ByComponent(@TargetAggregateIdentifier String orderId, @TargetAggregateVersion Long version) {
    }

    static final class ByField {
        @TargetAggregateIdentifier
        private final UUID cartId;

        ByField(UUID cartId) {
            this.cartId = cartId;
        }
    }

    static final class ByMethod {
        @TargetAggregateIdentifier
        String tillId() {
            return "till-" + 4;
        }
    }

    record Unmarked(String orderId) {
    }

    @Test
    void the_target_id_is_the_text_of_the_annotated_record_component() {
        assertEquals("o-1", resolver.targetId(asCommandMessage(new ByComponent("o-1", null))));
    }

    @Test
    void the_target_id_is_the_text_of_the_annotated_field() {
        UUID id = UUID.randomUUID();
        assertEquals(id.toString(), resolver.targetId(asCommandMessage(new ByField(id))));
    }

    @Test
    void the_target_id_is_the_text_of_the_annotated_method() {
        assertEquals("till-4", resolver.targetId(asCommandMessage(new ByMethod())));
    }

    @Test
    void a_null_target_id_is_refused_naming_the_command_and_its_member() {
        NoHandlerForCommandException e = assertThrows(NoHandlerForCommandException.class,
                () -> resolver.targetId(asCommandMessage(new ByField(null))));

        assertTrue(e.getMessage().contains(ByField.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("field 'cartId'"), e.getMessage());
    }

    @Test
    void a_command_without_an_annotated_member_is_refused_naming_it() {
        NoHandlerForCommandException e = assertThrows(NoHandlerForCommandException.class,
                () -> resolver.targetId(asCommandMessage(new Unmarked("o-1"))));

        assertTrue(e.getMessage().contains(Unmarked.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("@TargetAggregateIdentifier"), e.getMessage());
    }

    @Test
    void for_axon_the_target_carries_the_annotated_version() {
        VersionedAggregateIdentifier target = resolver.resolveTarget(
                GenericCommandMessage.asCommandMessage(new ByComponent("o-1", 7L)));

        assertEquals("o-1", target.getIdentifier());
        assertEquals(7L, target.getVersion());
        assertNull(resolver.resolveTarget(asCommandMessage(new ByComponent("o-1", null))).getVersion());
    }

    @Test
    void for_axon_a_missing_id_is_an_identifier_missing_exception_as_its_creation_policies_expect() {
        assertThrows(IdentifierMissingException.class,
                () -> resolver.resolveTarget(asCommandMessage(new ByComponent(null, null))));
    }
}
