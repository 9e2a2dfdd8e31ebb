package dev.tributary.sample.pos;

import dev.tributary.sample.pos.load.LedgerLine;
import dev.tributary.sample.pos.load.WorldRecord;
import dev.tributary.sample.pos.readmodel.DailySales;
import dev.tributary.sample.pos.readmodel.EventTally;
import dev.tributary.sample.pos.readmodel.StockAlert;
import dev.tributary.sample.pos.readmodel.StockCheck;
import dev.tributary.sample.pos.readmodel.StockOnHand;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import jakarta.persistence.PersistenceConfiguration;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The sample's database: the read models, the exactly-once offsets that commit with them, and the load generator's
 * ledger. The schema is created or extended at start.
 */
public final class PosDatabase {

    private PosDatabase() {
    }

    /** An HSQLDB database in files under {@code folder}, nothing to install. */
    public static String hsqldbFileUrl(Path folder) {
        return "jdbc:hsqldb:file:" + folder.toAbsolutePath().resolve("pos") + ";shutdown=true;hsqldb.tx=mvcc";
    }

    /** A private HSQLDB database in this process's memory. */
    public static String hsqldbMemoryUrl(String name) {
        return "jdbc:hsqldb:mem:" + name + ";hsqldb.tx=mvcc";
    }

    /**
     * Opens the database at {@code jdbcUrl}; credentials go in the URL ({@code ?user=..&password=..} for
     * PostgreSQL, {@code ;user=..;password=..} for HSQLDB).
     */
    public static EntityManagerFactory open(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("a JDBC URL starts with 'jdbc:', got '" + jdbcUrl + "'");
        }
        PersistenceConfiguration config = new PersistenceConfiguration("pos")
                .managedClass(StockOnHand.class)
                .managedClass(StockAlert.class)
                .managedClass(DailySales.class)
                .managedClass(EventTally.class)
                .managedClass(StockCheck.class)
                .managedClass(LedgerLine.class)
                .managedClass(WorldRecord.class)
                .property(PersistenceConfiguration.JDBC_URL, jdbcUrl)
                .property("hibernate.hbm2ddl.auto", "update")
                .property("hibernate.connection.pool_size", "16")
                .property("hibernate.jdbc.batch_size", "200")
                .property("hibernate.order_inserts", "true")
                .property("hibernate.order_updates", "true");
        return Persistence.createEntityManagerFactory(config);
    }
}
