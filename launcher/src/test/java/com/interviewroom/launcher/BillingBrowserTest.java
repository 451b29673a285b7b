package com.interviewroom.launcher;

import static com.interviewroom.launcher.BrowserFixture.el;
import static com.interviewroom.launcher.BrowserFixture.find;
import static com.interviewroom.launcher.BrowserFixture.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.interviewroom.edge.payment.FakeStripe;
import com.interviewroom.edge.payment.PaymentRoutes;
import com.interviewroom.edge.payment.StripeDeliveries;
import com.interviewroom.realtime.voice.PgSessionRecords;
import com.interviewroom.realtime.voice.ProviderSelector;
import com.interviewroom.schema.Database;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Paying on /billing in Chromium, against the fake Stripe over real sockets: the page loads the
 * Stripe.js stand-in the fake serves (STRIPE_JS_URL), the card is typed into the Payment Element's
 * frame, the frame confirms at the fake with the publishable key, and the fake sends the signed
 * webhooks to the system, or holds them back when a test makes the webhook late.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingBrowserTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String GOOD_CARD = "4242 4242 4242 4242";
  private static final String DECLINED_CARD = "4000 0000 0000 0002";

  @TempDir static Path dir;
  private FakeStripe stripe;
  private BrowserFixture fixture;

  @BeforeAll
  void start() throws Exception {
    stripe = FakeStripe.start();
    fixture =
        BrowserFixture.start(
            dir,
            Map.of(
                "STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY,
                "STRIPE_WEBHOOK_SECRET", StripeDeliveries.WEBHOOK_SECRET,
                "STRIPE_API_BASE", stripe.apiBase(),
                "STRIPE_PRICE_UNLIMITED", FakeStripe.PRICE_UNLIMITED,
                "STRIPE_PUBLISHABLE_KEY", FakeStripe.PUBLISHABLE_KEY,
                "STRIPE_JS_URL", stripe.jsUrl()));
    stripe.sendWebhooksTo(
        fixture.base + PaymentRoutes.WEBHOOK_PATH, StripeDeliveries.WEBHOOK_SECRET);
  }

  @BeforeEach
  void webhooksOnTime() {
    stripe.releaseWebhooks();
  }

  @AfterAll
  void stop() {
    try {
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      if (stripe != null) {
        stripe.close();
      }
    }
  }

  @Test
  @DisplayName(
      "the pages allow Stripe.js's script, frame and API origin (the stand-in's here) and nothing broader")
  void cspAllowsExactlyStripeJs() throws Exception {
    String origin = URI.create(stripe.jsUrl()).resolve("/").toString().replaceAll("/$", "");
    String csp =
        fixture
            .get("/billing", "text/html")
            .headers()
            .firstValue("Content-Security-Policy")
            .orElseThrow();
    assertThat(csp)
        .containsPattern(
            "script-src 'self' 'sha256-[A-Za-z0-9+/=]+' "
                + java.util.regex.Pattern.quote(origin)
                + ";")
        // connect-src: the embedded object store (the replay fetches recording chunks there), then
        // Stripe.js's origin
        .containsPattern(
            "connect-src 'self' http://127\\.0\\.0\\.1:\\d+ "
                + java.util.regex.Pattern.quote(origin)
                + ";")
        .contains("frame-src " + origin + ";", "default-src 'self';", "style-src 'self';")
        .doesNotContain("*", "unsafe-inline", "unsafe-eval", "https:");
    // the stand-in comes from the fake only: the system itself has no such file
    assertThat(fixture.get("/v3/", "*/*").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName(
      "buying a pack: a declined card says so in plain words and the same form retries; after paying, the balance stays until Stripe's webhook lands, then shows the new one")
  void packCreditsOnlyFromTheWebhook() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, PASSWORD).getString("accessToken");
    stripe.holdWebhooks();
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      driver.get(fixture.base + "/billing");
      until(driver, d -> text(d, "[data-billing=credits]").equals("3"));
      el(driver, "[data-buy=starter]").click();
      until(driver, d -> text(d, "[data-checkout=form] h2").equals("Buy Starter"));

      typeCard(driver, DECLINED_CARD);
      el(driver, "[data-action=pay]").click();
      until(driver, d -> text(d, "[data-checkout=error]").startsWith("Your card was declined."));
      assertThat(find(driver, "[data-action=pay]").getText()).isEqualTo("Try again");
      assertThat(credits(bearer)).isEqualTo(3);

      typeCard(driver, GOOD_CARD);
      el(driver, "[data-action=pay]").click();
      until(driver, d -> text(d, "[data-checkout=status]").startsWith("Payment accepted."));
      String intent = confirmedIntent();
      assertThat(stripe.intentStatus(intent))
          .as("Stripe holds the payment as succeeded")
          .isEqualTo("succeeded");
      // Stripe has the money, the webhook has not landed: nothing is credited, on the page or on
      // the server
      Thread.sleep(2_000);
      assertThat(find(driver, "[data-billing=credits]").getText()).isEqualTo("3");
      assertThat(credits(bearer)).isEqualTo(3);
      assertThat(stripe.calls("/v1/payment_intents/" + intent))
          .as("within the grace the server did not ask Stripe")
          .isEmpty();

      assertThat(stripe.releaseWebhooks()).as("payment_failed, then succeeded").isEqualTo(2);
      until(driver, d -> text(d, "[data-billing=credits]").equals("8"));
      assertThat(find(driver, "[data-checkout=done]").getText())
          .contains("5 credits added", "You now have 8");
      assertThat(credits(bearer)).isEqualTo(8);
      assertThat(stripe.calls("/v1/payment_intents/" + intent))
          .as("credited by the webhook, not the grace path")
          .isEmpty();
      assertNoConsoleProblems(driver);
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "at 375 px, when the webhook is late, the page has the server confirm the payment with Stripe after the grace; the webhook landing later adds nothing")
  void lateWebhookGracePath() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    String bearer = fixture.signupOverApi(email, PASSWORD).getString("accessToken");
    int sent = stripe.sentEvents().size();
    stripe.holdWebhooks();
    ChromeDriver driver = fixture.browser(375, 812);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      driver.get(fixture.base + "/billing");
      el(driver, "[data-buy=pro]").click();
      until(driver, d -> text(d, "[data-checkout=form] h2").equals("Buy Pro"));
      List<?> widths =
          (List<?>)
              BrowserFixture.js(
                  driver, "return [document.documentElement.scrollWidth, window.innerWidth]");
      assertThat(((Number) widths.get(0)).longValue())
          .as("the payment form fits 375 px")
          .isLessThanOrEqualTo(((Number) widths.get(1)).longValue());
      BrowserFixture.screenshot(driver, "375-billing-checkout");
      typeCard(driver, GOOD_CARD);
      el(driver, "[data-action=pay]").click();
      until(driver, d -> text(d, "[data-checkout=status]").startsWith("Payment accepted."));
      until(driver, d -> text(d, "[data-billing=credits]").equals("18"));
      String intent = confirmedIntent();
      assertThat(stripe.calls("/v1/payment_intents/" + intent))
          .as("the server read the intent back from Stripe")
          .isNotEmpty();
      assertThat(sentSince(sent)).doesNotContain("payment_intent.succeeded");

      assertThat(stripe.releaseWebhooks()).isEqualTo(1);
      until(driver, d -> sentSince(sent).contains("payment_intent.succeeded"));
      assertThat(credits(bearer)).as("the late webhook is a duplicate").isEqualTo(18);
    } finally {
      driver.quit();
    }
  }

  @Test
  @DisplayName(
      "subscribing: the plan shows once the webhook lands, the next session is routed as the plan's tier, cancelling shows the end date, Manage goes to the portal and back to /billing")
  void subscribeRouteCancelAndManage() throws Exception {
    String email = BrowserFixture.uniqueEmail();
    JsonObject signedUp = fixture.signupOverApi(email, PASSWORD);
    String bearer = signedUp.getString("accessToken");
    UUID userId = UUID.fromString(signedUp.getJsonObject("user").getString("id"));
    ProviderSelector bothProviders = new ProviderSelector(true, true);
    int sent = stripe.sentEvents().size();
    assertThat(bothProviders.chain(tier(userId))).containsExactly("gemini", "openai");
    ChromeDriver driver = fixture.browser(1280, 900);
    try {
      InterviewBrowserTest.logIn(driver, email, PASSWORD);
      driver.get(fixture.base + "/billing");
      until(driver, d -> text(d, "[data-billing=status]").equals("No subscription"));
      el(driver, "[data-buy=unlimited_monthly]").click();
      until(
          driver, d -> text(d, "[data-checkout=form] h2").equals("Subscribe to Unlimited Monthly"));
      typeCard(driver, GOOD_CARD);
      el(driver, "[data-action=pay]").click();
      until(driver, d -> text(d, "[data-billing=status]").equals("Active"));
      assertThat(find(driver, "[data-billing=plan]").getText()).isEqualTo("Unlimited Monthly");
      assertThat(find(driver, "[data-billing=next-billing]").getText()).matches(".*\\d{4}.*");
      assertThat(find(driver, "[data-billing=credits]").getText())
          .isEqualTo("Unlimited (3 credits kept)");
      assertThat(find(driver, "[data-checkout=done]").getText()).startsWith("Subscribed");
      assertThat(find(driver, "[data-buy=unlimited_monthly]").getText()).isEqualTo("Subscribed");
      assertThat(sentSince(sent)).contains("invoice.paid", "customer.subscription.updated");
      assertThat(
              stripe.calls().stream()
                  .filter(
                      c -> c.method().equals("GET") && c.path().startsWith("/v1/subscriptions/")))
          .as("made active by the webhook, not the grace path")
          .isEmpty();

      // the next session, started in the browser, is a subscriber's: no credit charged, routed
      // OpenAI first
      driver.get(fixture.base + "/practice");
      el(driver, "input[name=difficulty][value=easy]").click();
      el(driver, "form.choose button[type=submit]").click();
      el(driver, ".preview .actions .btn-primary").click();
      until(driver, d -> d.getCurrentUrl().matches(".*/interview/[0-9a-f-]{36}$"));
      UUID sessionId = UUID.fromString(driver.getCurrentUrl().replaceAll(".*/interview/", ""));
      assertThat(credits(bearer)).as("no credit charged").isEqualTo(3);
      assertThat(tier(userId)).isEqualTo("pro");
      assertThat(bothProviders.chain(tier(userId))).containsExactly("openai", "gemini");
      // this system has neither voice key, so the session's provider is the local interviewer
      until(driver, d -> "local".equals(sessionProvider(sessionId)));

      driver.get(fixture.base + "/billing");
      el(driver, "[data-action=cancel]").click();
      el(driver, "dialog[open] [data-action=confirm-cancel]").click();
      until(driver, d -> text(d, "[data-billing=next-billing]").startsWith("None: ends on"));
      String endDate =
          find(driver, "[data-billing=next-billing]").getText().replace("None: ends on ", "");
      assertThat(endDate).matches(".*\\d{4}.*");
      assertThat(find(driver, "[data-checkout=done]").getText()).contains("until " + endDate);
      assertThat(find(driver, "[data-billing=status]").getText()).isEqualTo("Active");
      assertThat(
              stripe.calls().stream()
                  .filter(
                      c -> c.method().equals("POST") && c.path().startsWith("/v1/subscriptions/"))
                  .map(c -> c.form().get("cancel_at_period_end")))
          .containsExactly("true");
      assertThat(tier(userId)).as("paid until the period ends").isEqualTo("pro");

      el(driver, "[data-action=manage]").click();
      until(driver, d -> d.getCurrentUrl().startsWith(stripe.apiBase() + "/p/session/"));
      el(driver, "#return").click();
      until(driver, d -> d.getCurrentUrl().equals(fixture.base + "/billing"));
      until(driver, d -> text(d, "[data-billing=plan]").equals("Unlimited Monthly"));
      assertNoConsoleProblems(driver);
    } finally {
      driver.quit();
    }
  }

  /**
   * No CSP violation and no error, but the decline's HTTP 402 inside the frame, which Chromium logs
   * as Stripe's would be.
   */
  private static void assertNoConsoleProblems(WebDriver driver) {
    assertThat(BrowserFixture.consoleProblems(driver))
        .filteredOn(m -> !m.contains("status of 402"))
        .isEmpty();
  }

  private List<String> sentSince(int count) {
    List<String> all = stripe.sentEvents();
    return all.subList(count, all.size());
  }

  /**
   * The element's text, or "" while the page is redrawing it (the billing page redraws after each
   * change).
   */
  private static String text(WebDriver driver, String css) {
    try {
      List<WebElement> found = driver.findElements(org.openqa.selenium.By.cssSelector(css));
      return found.isEmpty() ? "" : found.get(0).getText();
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return "";
    }
  }

  /** Types into the Payment Element's frame (its own origin), as a person would. */
  private static void typeCard(WebDriver driver, String number) {
    WebElement frame = el(driver, "[data-checkout=element] iframe");
    driver.switchTo().frame(frame);
    try {
      for (String[] field :
          new String[][] {{"#number", number}, {"#expiry", "12 / 34"}, {"#cvc", "123"}}) {
        WebElement input = el(driver, field[0]);
        input.clear();
        input.sendKeys(field[1]);
      }
    } finally {
      driver.switchTo().defaultContent();
    }
  }

  /**
   * The PaymentIntent the browser confirmed last (the path of its publishable-key confirm call).
   */
  private String confirmedIntent() {
    List<FakeStripe.Call> confirms =
        stripe.calls().stream().filter(c -> c.path().endsWith("/confirm")).toList();
    assertThat(confirms).isNotEmpty();
    return confirms
        .get(confirms.size() - 1)
        .path()
        .replaceAll("^/v1/payment_intents/([^/]+)/confirm$", "$1");
  }

  private int credits(String bearer) throws Exception {
    HttpResponse<String> status = fixture.getWithBearer("/api/billing/status", bearer);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    return new JsonObject(status.body()).getInteger("credits");
  }

  /** The tier as the realtime gateway reads it when it picks the voice provider for a session. */
  private String tier(UUID userId) throws Exception {
    Database db = Database.connect(fixture.running.vertx(), fixture.databaseUrl, 1);
    try {
      return new PgSessionRecords(db).tier(userId).toCompletionStage().toCompletableFuture().get();
    } finally {
      db.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private String sessionProvider(UUID sessionId) {
    try {
      return fixture
          .rows("SELECT provider FROM sessions WHERE id = $1", sessionId)
          .get(0)
          .getString(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
