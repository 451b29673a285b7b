package com.interviewroom.launcher;

import com.interviewroom.common.config.Config;
import com.interviewroom.launcher.embedded.EmbeddedDatabase;
import com.interviewroom.launcher.embedded.FreePort;
import com.interviewroom.schema.Database;
import com.interviewroom.schema.Migrations;
import com.interviewroom.schema.admin.AdminRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar interviewroom.jar admin grant|revoke <email>} and {@code admin list}: the one
 * way besides {@code ADMIN_EMAILS} to give an account the admin role. It connects as the database
 * owner ({@code DATABASE_URL}, or the embedded database in {@code DATA_DIR} while the server is
 * stopped), the only role allowed to write the {@code admins} table; no API route can.
 */
final class AdminCommand {
  static final String USAGE =
      """
      usage: java -jar interviewroom.jar admin grant <email>
             java -jar interviewroom.jar admin revoke <email>
             java -jar interviewroom.jar admin list
      The account must exist (sign up first). DATABASE_URL (or DATA_DIR for the embedded database) says where.""";

  private AdminCommand() {}

  /** Runs the command; returns the process exit code (0 done, 1 failed, 2 wrong usage). */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String action = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "";
    boolean withEmail = "grant".equals(action) || "revoke".equals(action);
    if (!(withEmail && args.length == 2) && !("list".equals(action) && args.length == 1)) {
      err.println(USAGE);
      return 2;
    }
    Config config = Config.from(env);
    EmbeddedDatabase embedded = null;
    Vertx vertx = Vertx.vertx();
    try {
      String url = config.databaseUrl();
      if (url == null) {
        embedded = EmbeddedDatabase.start(config.dataDir(), FreePort.find());
        url = embedded.url();
      }
      Migrations.migrate(url);
      Database db = Database.connect(vertx, url, 1);
      try {
        return switch (action) {
          case "grant" ->
              report(
                  AdminRepository.grant(db.pool(), args[1], "cli").await(),
                  "granted the admin role to",
                  args[1],
                  out,
                  err);
          case "revoke" ->
              report(
                  AdminRepository.revoke(db.pool(), args[1]).await(),
                  "revoked the admin role of",
                  args[1],
                  out,
                  err);
          default -> list(db, config, out);
        };
      } finally {
        db.close().await();
      }
    } catch (Exception e) {
      err.println("admin " + action + " failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
      if (embedded != null) {
        try {
          embedded.close();
        } catch (Exception ignored) {
          // the command's outcome is already printed
        }
      }
    }
  }

  private static int report(
      AdminRepository.Change change, String done, String email, PrintStream out, PrintStream err) {
    switch (change) {
      case CHANGED -> out.println(done + " " + email);
      case UNCHANGED ->
          out.println(
              "nothing to do: "
                  + email
                  + " already "
                  + (done.startsWith("granted") ? "holds" : "does not hold")
                  + " the role (granted by the command; ADMIN_EMAILS is read from the environment)");
      case NO_SUCH_USER -> {
        err.println("no account with the address " + email + ": sign up first");
        return 1;
      }
    }
    return 0;
  }

  private static int list(Database db, Config config, PrintStream out) {
    for (Row row : AdminRepository.list(db.pool()).await()) {
      out.println(
          row.getString("email")
              + "\tgranted by "
              + row.getString("granted_by")
              + " at "
              + row.getOffsetDateTime("granted_at"));
    }
    config.operations().adminEmails().stream()
        .sorted()
        .forEach(email -> out.println(email + "\tADMIN_EMAILS"));
    return 0;
  }
}
