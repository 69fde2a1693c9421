package io.ae4j.internal;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one native model handle and decides when it is freed. Internal.
 *
 * <p>A use count starts at 1 (the owner's reference). Each native call {@link #acquire()}s
 * (+1) and {@link #release()}s (-1) in a finally block; {@link #close()} drops the owner's
 * reference once. The handle is freed by whoever brings the count to 0, so a close racing
 * in-flight calls never frees memory under them: the last call out frees it. After close, new
 * calls fail with {@link IllegalStateException}.
 *
 * <p>Fallback for a model nobody closed: a {@link PhantomReference} to the owner, and a daemon
 * thread ({@code ae4j-cleaner}) that closes the handle once the owner is unreachable. (Java 8
 * has no {@code java.lang.ref.Cleaner}.) The handle does not reference its owner, so the owner
 * can become unreachable.
 */
public final class NativeHandle {
  private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<Object>();
  private static final Set<Tracker> TRACKED =
      Collections.newSetFromMap(new ConcurrentHashMap<Tracker, Boolean>());
  private static final AtomicLong FREED = new AtomicLong();
  private static final AtomicLong FREED_BY_CLEANER = new AtomicLong();
  private static Thread cleaner;

  private static final class Tracker extends PhantomReference<Object> {
    final NativeHandle handle;

    Tracker(Object owner, NativeHandle handle) {
      super(owner, QUEUE);
      this.handle = handle;
    }
  }

  private final long ptr;
  private final String description;
  private final AtomicInteger uses = new AtomicInteger(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Tracker tracker;

  /**
   * Takes ownership of {@code ptr} (non-zero) and frees it when {@code owner} is closed or
   * becomes unreachable.
   */
  public NativeHandle(long ptr, Object owner, String description) {
    if (ptr == 0) {
      throw new IllegalArgumentException("null native handle");
    }
    this.ptr = ptr;
    this.description = description;
    this.tracker = new Tracker(owner, this);
    TRACKED.add(tracker);
    startCleaner();
  }

  /** The handle for one native call; pair with {@link #release()} in a finally block. */
  public long acquire() {
    for (;;) {
      int n = uses.get();
      if (n <= 0 || closed.get()) {
        throw closedException();
      }
      if (uses.compareAndSet(n, n + 1)) {
        return ptr;
      }
    }
  }

  /** Ends a call begun with {@link #acquire()}. */
  public void release() {
    if (uses.decrementAndGet() == 0) {
      free();
    }
  }

  /** Idempotent. Frees now, or when the last in-flight call returns. */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Throws {@link IllegalStateException} if closed. */
  public void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("ae4j: the model " + description + " is closed");
  }

  private void free() {
    TRACKED.remove(tracker);
    tracker.clear();
    Native.free(ptr);
    FREED.incrementAndGet();
  }

  /** How many handles were freed so far (diagnostics and tests). */
  public static long freedCount() {
    return FREED.get();
  }

  /** How many of those were freed by the garbage-collection fallback, not by close(). */
  public static long freedByCleanerCount() {
    return FREED_BY_CLEANER.get();
  }

  private static synchronized void startCleaner() {
    if (cleaner != null) {
      return;
    }
    Thread t = new Thread(new Runnable() {
      @Override
      public void run() {
        for (;;) {
          try {
            Reference<?> ref = QUEUE.remove();
            if (ref instanceof Tracker) {
              NativeHandle h = ((Tracker) ref).handle;
              if (TRACKED.contains(ref) && !h.isClosed()) {
                FREED_BY_CLEANER.incrementAndGet();
              }
              h.close();
            }
          } catch (InterruptedException e) {
            // a daemon: keep serving until the JVM exits
          } catch (Throwable t) {
            // never let one bad handle stop the cleaner
          }
        }
      }
    }, "ae4j-cleaner");
    t.setDaemon(true);
    t.setContextClassLoader(null); // pin no application class loader
    t.start();
    cleaner = t;
  }
}
