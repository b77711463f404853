package io.streamlab.connect.common;

/** The plugin version, read from the jar manifest (Maven writes Implementation-Version). */
public final class Version {
    private Version() {
    }

    /** The version of this plugin jar, or "dev" when running from classes (tests, IDE). */
    public static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
