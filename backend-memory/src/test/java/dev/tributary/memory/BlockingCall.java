package dev.tributary.memory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.fail;

/** A call that blocks, run on its own thread so that a test can act while it waits. */
final class BlockingCall<T> {

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private BlockingCall(Callable<T> call) {
        thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "blocking-call");
        thread.setDaemon(true);
        thread.start();
    }

    static <T> BlockingCall<T> start(Callable<T> call) {
        return new BlockingCall<>(call);
    }

    /** Returns once the call is parked in a timed wait (or finished), so that what the test does next finds it there. */
    BlockingCall<T> awaitBlocked() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!result.isDone() && thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                fail("the call did not block within 5 s; it is " + thread.getState());
            }
            // No event announces that another thread started waiting; check its state every few microseconds.
            LockSupport.parkNanos(50_000);
        }
        return this;
    }

    T get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The call's failure; fails the test if it returned normally or did not end in time. */
    Throwable failure(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            T value = get(timeout);
            return fail("expected the call to fail, but it returned " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
