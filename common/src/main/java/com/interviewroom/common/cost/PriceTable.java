package com.interviewroom.common.cost;

import com.interviewroom.common.config.Config;
import com.interviewroom.common.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices in USD per 1,000,000 units (tokens; CPU-seconds for the sandbox), in versions that each
 * take effect on a day: a call is priced by the newest version in effect on its day, and the
 * version's name is stored with the entry, so a price change never rewrites what was already
 * charged. A model is matched by the longest model key it starts with ({@code claude-sonnet-4}
 * prices {@code claude-sonnet-4-6-20260101}), else by {@code "*"}. Every model must price every
 * kind of its provider ({@link Kinds}); a table that does not is refused at start.
 */
public final class PriceTable {
  public static final String RESOURCE = "price-table.json";
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  /** Entries are stored to 8 decimal places (numeric(18, 8)). */
  private static final int SCALE = 8;

  private record Version(
      String name,
      LocalDate effectiveFrom,
      Map<String, Map<String, Map<String, BigDecimal>>> providers) {}

  private final List<Version> versions;

  private PriceTable(List<Version> versions) {
    this.versions = versions;
  }

  /** {@code PRICE_TABLE_FILE} when set, else the table built into the jar. */
  public static PriceTable from(Config.Operations operations) {
    if (operations.priceTableFile() == null) {
      return builtIn();
    }
    try {
      return parse(Files.readString(Path.of(operations.priceTableFile()), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException("PRICE_TABLE_FILE cannot be read: " + e.getMessage());
    }
  }

  public static PriceTable builtIn() {
    try (InputStream in = PriceTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses and validates a table; anything wrong is a {@link ConfigException} naming the place. */
  public static PriceTable parse(String json) {
    try {
      JsonArray raw = new JsonObject(json).getJsonArray("versions");
      if (raw == null || raw.isEmpty()) {
        throw new ConfigException("price table: no versions");
      }
      List<Version> versions = new ArrayList<>();
      for (Object item : raw) {
        versions.add(version((JsonObject) item));
      }
      versions.sort(Comparator.comparing(Version::effectiveFrom));
      for (int i = 1; i < versions.size(); i++) {
        if (versions.get(i).effectiveFrom().equals(versions.get(i - 1).effectiveFrom())) {
          throw new ConfigException(
              "price table: two versions take effect on " + versions.get(i).effectiveFrom());
        }
      }
      return new PriceTable(List.copyOf(versions));
    } catch (ClassCastException
        | io.vertx.core.json.DecodeException
        | DateTimeParseException
        | NumberFormatException e) {
      throw new ConfigException("price table is malformed: " + e.getMessage());
    }
  }

  private static Version version(JsonObject v) {
    String name = v.getString("version");
    if (name == null || name.isBlank()) {
      throw new ConfigException("price table: a version without a name");
    }
    LocalDate from = LocalDate.parse(v.getString("effectiveFrom", ""));
    Map<String, Map<String, Map<String, BigDecimal>>> providers = new TreeMap<>();
    JsonObject given = v.getJsonObject("providers", new JsonObject());
    for (String provider : Kinds.PROVIDERS.keySet()) {
      JsonObject models = given.getJsonObject(provider);
      if (models == null || !models.containsKey("*")) {
        throw new ConfigException(
            "price table " + name + ": " + provider + " needs at least a \"*\" model");
      }
      Map<String, Map<String, BigDecimal>> byModel = new LinkedHashMap<>();
      for (String model : models.fieldNames()) {
        JsonObject rates = models.getJsonObject(model);
        Map<String, BigDecimal> perKind = new TreeMap<>();
        for (String kind : Kinds.PROVIDERS.get(provider)) {
          Object rate = rates.getValue(kind);
          if (!(rate instanceof Number n) || new BigDecimal(n.toString()).signum() < 0) {
            throw new ConfigException(
                "price table "
                    + name
                    + ": "
                    + provider
                    + "/"
                    + model
                    + " has no price for "
                    + kind);
          }
          perKind.put(kind, new BigDecimal(n.toString()));
        }
        for (String kind : rates.fieldNames()) {
          if (!Kinds.PROVIDERS.get(provider).contains(kind)) {
            throw new ConfigException(
                "price table "
                    + name
                    + ": "
                    + provider
                    + "/"
                    + model
                    + " prices an unknown kind "
                    + kind);
          }
        }
        byModel.put(model, Map.copyOf(perKind));
      }
      providers.put(provider, byModel);
    }
    for (String provider : given.fieldNames()) {
      if (!Kinds.PROVIDERS.containsKey(provider)) {
        throw new ConfigException("price table " + name + ": unknown provider " + provider);
      }
    }
    return new Version(name, from, providers);
  }

  /** Prices {@code usage} as of {@code day}. */
  public Priced price(Metered usage, LocalDate day) {
    Version version = versionOn(day);
    Map<String, BigDecimal> rates = rates(version, usage.provider(), usage.model());
    Map<String, BigDecimal> usdByKind = new TreeMap<>();
    BigDecimal total = BigDecimal.ZERO;
    for (Map.Entry<String, BigDecimal> e : usage.quantities().entrySet()) {
      BigDecimal usd =
          e.getValue().multiply(rates.get(e.getKey())).divide(MILLION, SCALE, RoundingMode.HALF_UP);
      usdByKind.put(e.getKey(), usd);
      total = total.add(usd);
    }
    return new Priced(usage, day, version.name(), usdByKind, total);
  }

  /** The name of the version in effect on {@code day}. */
  public String versionName(LocalDate day) {
    return versionOn(day).name();
  }

  private Version versionOn(LocalDate day) {
    Version chosen = versions.getFirst(); // a day before the first version is priced by the first
    for (Version v : versions) {
      if (!v.effectiveFrom().isAfter(day)) {
        chosen = v;
      }
    }
    return chosen;
  }

  private static Map<String, BigDecimal> rates(Version version, String provider, String model) {
    Map<String, Map<String, BigDecimal>> models = version.providers().get(provider);
    String best = "*";
    for (String key : models.keySet()) {
      if (!"*".equals(key)
          && model != null
          && model.startsWith(key)
          && (best.equals("*") || key.length() > best.length())) {
        best = key;
      }
    }
    return models.get(best);
  }
}
