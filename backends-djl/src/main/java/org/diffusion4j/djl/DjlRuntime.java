package org.diffusion4j.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.DiffusionStateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine without network access and resolves device names.
 *
 * <p>The PyTorch native library and DJL's JNI bridge come from jars on the class path
 * ({@code pytorch-native-cpu} or, with the Maven profile {@code cuda}, {@code pytorch-native-cu124},
 * plus {@code pytorch-jni}); {@link #engine()} sets {@code ai.djl.offline=true} before the engine
 * loads unless the caller set it, so nothing is ever downloaded at run time.
 */
public final class DjlRuntime {

    /** DJL's engine name for PyTorch. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
    /** The error code of a device that is unknown or missing (without fallback to the CPU). */
    private static final String DEVICE_CODE = "D4J-DJL-DEVICE";

    private static final java.util.concurrent.locks.ReentrantLock AUTOGRAD =
            new java.util.concurrent.locks.ReentrantLock();
    private static final Pattern GPU = Pattern.compile("(?:gpu|cuda)(?:\\((\\d+)\\)|:(\\d+))?");

    private DjlRuntime() {}

    /**
     * The PyTorch engine, loaded on first use. Sets {@code ai.djl.offline=true} unless already set.
     *
     * @throws IllegalStateException when the native library cannot be loaded, with the likely reason (a
     *                               {@link DiffusionStateException}, code {@code D4J-DJL-ENGINE})
     */
    public static synchronized Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        quietCudaProbe();
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new DiffusionStateException(
                    "D4J-DJL-ENGINE",
                    "cannot start DJL's PyTorch engine: " + e.getMessage()
                            + ". The jars ai.djl.pytorch:pytorch-jni and ai.djl.pytorch:pytorch-native-cpu (classifier "
                            + "linux-x86_64; or pytorch-native-cu124 with -Pcuda) must be on the class path; with "
                            + "ai.djl.offline=" + System.getProperty("ai.djl.offline") + " DJL downloads nothing.",
                    e);
        }
    }

    /**
     * DJL probes for a CUDA runtime each time it detects its platform (twice while the engine loads) and
     * logs a WARN "Failed to detect GPU count" each time when a CUDA runtime library is installed without a
     * usable driver, even when the CPU build runs and no GPU was asked for. {@link #device} says itself when
     * a GPU is asked for and missing, so the probe's logger ({@code ai.djl.util.cuda}) is set to ERROR here
     * for slf4j-simple, unless the application configured it; other logging backends are configured by
     * their own files (for logback: {@code <logger name="ai.djl.util.cuda" level="ERROR"/>}).
     */
    private static void quietCudaProbe() {
        String key = "org.slf4j.simpleLogger.log.ai.djl.util.cuda";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "error");
        }
    }

    /** Sets PyTorch's intra-op thread count (ignored when {@code threads <= 0}). */
    public static void setThreads(int threads) {
        if (threads > 0) {
            engine();
            JniUtils.setNumThreads(threads);
        }
    }

    /**
     * Resolves a device name: {@code cpu}, {@code gpu} (= {@code gpu(0)}), {@code gpu(i)},
     * {@code cuda:i} or {@code auto} (the first GPU if PyTorch sees one, else the CPU).
     *
     * @param name          the device name
     * @param fallbackToCpu when a GPU is asked for but PyTorch sees none (or fewer), log a warning and use
     *                      the CPU instead of failing
     * @throws IllegalArgumentException for an unknown name, or a missing GPU without fallback (code
     *                                  {@code D4J-DJL-DEVICE})
     */
    public static Device device(String name, boolean fallbackToCpu) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        Engine engine = engine();
        int gpus = engine.getGpuCount();
        if (n.equals("auto")) {
            Device d = gpus > 0 ? Device.gpu(0) : Device.cpu();
            LOG.info("device 'auto' resolved to {} (PyTorch {} sees {} GPU(s))", d, engine.getVersion(), gpus);
            return d;
        }
        Matcher m = GPU.matcher(n);
        if (!m.matches()) {
            throw new DiffusionArgumentException(
                    DEVICE_CODE, "unknown device '" + name + "'; use cpu, gpu, gpu(i), cuda:i or auto");
        }
        String idx = m.group(1) != null ? m.group(1) : m.group(2);
        int i = idx == null ? 0 : Integer.parseInt(idx);
        if (i < gpus) {
            return Device.gpu(i);
        }
        String why = "device '" + name + "' asked for GPU " + i + " but PyTorch " + engine.getVersion() + " sees "
                + gpus + " GPU(s)"
                + (gpus == 0
                        ? " (is the CPU native library on the class path? build with -Pcuda "
                                + "for pytorch-native-cu124, and check the CUDA driver)"
                        : "");
        if (!fallbackToCpu) {
            throw new DiffusionArgumentException(
                    DEVICE_CODE, why + "; set fallbackToCpu=true to run on the CPU instead");
        }
        LOG.warn("{}; falling back to the CPU", why);
        return Device.cpu();
    }

    /** The device name in this SDK's spelling: {@code cpu} or {@code gpu(i)}. */
    public static String name(Device d) {
        return d.isGpu() ? "gpu(" + d.getDeviceId() + ")" : "cpu";
    }

    /**
     * Turns PyTorch's TorchScript graph-executor optimiser (the profiling executor) on or off for the
     * calling thread; it is a thread-local setting in libtorch. Off avoids a multi-second re-optimisation
     * on the first calls with every new input shape.
     */
    public static void setGraphOptimizer(boolean enabled) {
        engine();
        JniUtils.setGraphExecutorOptimize(enabled);
    }

    /**
     * Runs {@code body} while holding the process-wide autograd lock. DJL's PyTorch engine allows one
     * open {@code GradientCollector} per process at a time, so every gradient computation of this
     * module (training steps, classifier gradients) goes through here; callers on other threads wait.
     */
    public static <T> T withAutograd(java.util.function.Supplier<T> body) {
        AUTOGRAD.lock();
        try {
            return body.get();
        } finally {
            AUTOGRAD.unlock();
        }
    }
}
