package com.interviewroom.edge.auth;

import com.interviewroom.common.http.RequestIds;
import com.interviewroom.edge.web.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/auth/signup} and {@code POST /api/auth/login}. */
public final class AuthRoutes {
  private final AuthService service;

  public AuthRoutes(AuthService service) {
    this.service = service;
  }

  public void mount(Router router) {
    router.post("/api/auth/signup").respond(this::signup);
    router.post("/api/auth/login").respond(this::login);
  }

  private Future<JsonObject> signup(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String email = in.email("email");
    String password = in.string("password", 8, 128);
    in.finish();
    ctx.response().setStatusCode(201).putHeader("Cache-Control", "no-store");
    return service.signup(email, password, RequestIds.of(ctx));
  }

  private Future<JsonObject> login(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String email = in.string("email", 1, 320);
    String password = in.string("password", 1, 128);
    in.finish();
    ctx.response().putHeader("Cache-Control", "no-store");
    return service.login(email, password);
  }
}
