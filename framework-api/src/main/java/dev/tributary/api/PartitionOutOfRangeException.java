package dev.tributary.api;

/** A partition number outside {@code 0 .. partitions-1} of its stream. */
public class PartitionOutOfRangeException extends TributaryException {

    public PartitionOutOfRangeException(String stream, int partition, int partitions) {
        super("partition " + partition + " is out of range for stream '" + stream + "', which has "
                + partitions + " partition(s): use 0 to " + (partitions - 1));
    }
}
