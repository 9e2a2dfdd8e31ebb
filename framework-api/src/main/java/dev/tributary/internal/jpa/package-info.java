/**
 * JPA plumbing for exactly-once projections: an Axon {@link org.axonframework.common.transaction.TransactionManager}
 * over a {@code RESOURCE_LOCAL} {@link jakarta.persistence.EntityManagerFactory}. Internal: no promises.
 */
package dev.tributary.internal.jpa;
