package dev.headroom.config;

/**
 * All of Headroom's settings, as loaded by {@link SettingsLoader} from defaults, the user's JSON file and
 * {@code HEADROOM_*} environment overrides.
 */
public record Settings(
    MemorySettings memory,
    GcpSettings gcp,
    AutoCreateSettings autoCreate,
    GatewaySettings gateway,
    CostSettings cost,
    StorageSettings storage,
    UiSettings ui,
    NotificationSettings notifications) {}
