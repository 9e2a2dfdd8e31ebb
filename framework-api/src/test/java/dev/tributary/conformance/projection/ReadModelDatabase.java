package dev.tributary.conformance.projection;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A fresh read-model database for one test, on the database system property {@value #URL_PROPERTY} names (set by
 * the build: in-memory HSQLDB by default, PostgreSQL with the {@code postgresql} profile).
 *
 * <ul>
 *   <li>{@code jdbc:hsqldb:mem:} gets a database of its own, in MVCC mode like PostgreSQL; it is shut down at close.</li>
 *   <li>{@code jdbc:postgresql:...} gets a schema of its own as the default schema; it is dropped at close.</li>
 * </ul>
 * The given entity classes' tables are created by Hibernate; {@code tributary_offsets} by the projection itself.
 */
public final class ReadModelDatabase implements AutoCloseable {

    public static final String URL_PROPERTY = "tributary.test.jdbc.url";

    private final String url;
    private final String schema;
    private final EntityManagerFactory entityManagerFactory;

    private ReadModelDatabase(String url, String schema, EntityManagerFactory entityManagerFactory) {
        this.url = url;
        this.schema = schema;
        this.entityManagerFactory = entityManagerFactory;
    }

    /** A new, empty database with tables for these entity classes. */
    public static ReadModelDatabase create(Class<?>... entities) {
        String base = System.getProperty(URL_PROPERTY, "jdbc:hsqldb:mem:");
        String name = "rm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        HibernatePersistenceConfiguration config = new HibernatePersistenceConfiguration(name)
                .managedClasses(List.of(entities))
                .schemaToolingAction(Action.CREATE)
                .jdbcPoolSize(10);
        if (base.startsWith("jdbc:hsqldb:mem:")) {
            String url = base + name + ";hsqldb.tx=mvcc";
            return new ReadModelDatabase(url, null,
                    config.jdbcUrl(url).jdbcCredentials("SA", "").createEntityManagerFactory());
        }
        if (base.startsWith("jdbc:postgresql:")) {
            execute(base, "CREATE SCHEMA " + name);
            String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
            try {
                return new ReadModelDatabase(base, name,
                        config.jdbcUrl(url).defaultSchema(name).createEntityManagerFactory());
            } catch (RuntimeException e) {
                execute(base, "DROP SCHEMA " + name + " CASCADE");
                throw e;
            }
        }
        throw new IllegalArgumentException(URL_PROPERTY + " must start with jdbc:hsqldb:mem: or jdbc:postgresql:, got '"
                + base + "'");
    }

    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    /** Runs {@code work} in a transaction of its own and commits. */
    public <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = entityManagerFactory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    /** The result of a JPQL {@code select count(..)} query. */
    public long count(String jpql) {
        return inTransaction(em -> em.createQuery(jpql, Long.class).getSingleResult());
    }

    @Override
    public void close() {
        entityManagerFactory.close();
        if (schema != null) {
            execute(url, "DROP SCHEMA " + schema + " CASCADE");
        } else {
            execute(url, "SHUTDOWN");
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = url.startsWith("jdbc:hsqldb:")
                ? DriverManager.getConnection(url, "SA", "") : DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }
}
