import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SalesOps

/// The dashboard (SPEC §9): HTML pages for an org's managers, served by `salesctl serve`
/// beside the API, reading through the same `KPIReader` and `KPIExplainer`. Log in with a
/// token; the session lives in an HttpOnly, SameSite=Strict cookie; every form that changes
/// something carries the session's CSRF token. Pages are not part of the JSON API's
/// document: they are for people, not programs.
struct DashboardRoutes {
    let access: DashboardAccess
    let logger: Logger

    func register(on router: Router<APIContext>) {
        // The server's root leads a person who opens it in a browser to the dashboard.
        router.get("/") { _, _ in Layout.redirect("/dashboard") }
        router.get("/dashboard") { _, _ in Layout.redirect("/dashboard/overview") }
        router.get("/dashboard/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "private, max-age=3600",
                                            HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                     body: .init(byteBuffer: ByteBuffer(string: Layout.stylesheet)))
        }
        router.get("/dashboard/icon.svg") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "private, max-age=86400"],
                     body: .init(byteBuffer: ByteBuffer(string: Layout.icon)))
        }
        router.get("/dashboard/login") { _, _ in self.loginForm(problem: nil, status: .ok) }
        router.post("/dashboard/login") { request, _ in try await self.logIn(request) }
        router.post("/dashboard/logout") { request, _ in try await self.logOut(request) }
        for tab in DashboardTab.allCases {
            router.get(RouterPath(tab.path)) { request, _ in try await self.tab(request, tab) }
        }
        router.get("/dashboard/explain") { request, _ in try await self.explain(request) }
        router.post("/dashboard/targets") { request, _ in try await self.setTarget(request) }
        router.post("/dashboard/plan") { request, _ in try await self.applyPlan(request) }
    }

    /// The login form with a fresh double-submit nonce.
    func loginForm(problem: String?, status: HTTPResponse.Status) -> Response {
        let nonce = SessionSecret.loginNonce()
        return Layout.response(LoginPage.render(nonce: nonce, problem: problem), status: status,
                               headers: [.setCookie: self.access.cookie(DashboardAccess.loginCookie, nonce, maxAge: 900)])
    }

    func logIn(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request)
        guard let nonce = request.cookies[DashboardAccess.loginCookie]?.value, let submitted = form["csrf"],
              SessionSecret.isWellFormed(nonce), SessionSecret.equal(submitted, nonce) else {
            return Layout.problem(Problem(.forbidden, "the login form's CSRF token is missing or stale; reload the login page"), viewer: nil)
        }
        guard let token = form["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            return self.loginForm(problem: "Enter an API token.", status: .badRequest)
        }
        do {
            let opened = try await self.access.logIn(token: token)
            let maxAge = max(60, Int(opened.session.expiresAt.timeIntervalSinceNow))
            return Layout.redirect("/dashboard/overview", headers: [
                .setCookie: self.access.cookie(DashboardAccess.sessionCookie, opened.secret, maxAge: maxAge),
                .setCookie: self.access.cookie(DashboardAccess.loginCookie, "", maxAge: 0),
            ])
        } catch let problem as Problem where problem.status == .unauthorized {
            return self.loginForm(problem: "Login failed: \(problem.detail ?? "the token is not valid").", status: .unauthorized)
        }
    }

    func logOut(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request)
        if let refusal = Self.refusal(of: form, in: request) { return refusal }
        try await self.access.logOut(request)
        return Layout.redirect("/dashboard/login", headers: [.setCookie: self.access.cookie(DashboardAccess.sessionCookie, "", maxAge: 0)])
    }

    /// A tab's page for the query's period and scope.
    func tab(_ request: Request, _ tab: DashboardTab) async throws -> Response {
        let query = QueryParameters(request: request)
        return try await self.page {
            let period = try query.optionalPeriod()
            let scope = try query.scope()
            let by = try query.optional("by") ?? "rep"
            guard let kind = ScopeKind(rawValue: by), kind != .org else { throw Problem(.badRequest, "rank by rep or team") }
            let metric = try query.optional("metric") ?? "revenue"
            let plan = try query.optionalPeriod("plan", allowingDays: false)
            let total = try query.optional("total", maximumLength: 24).map { text in
                guard let value = DecimalText.parse(text) else { throw Problem(.badRequest, "total '\(text)' is not a number such as 250000") }
                return value
            }
            let applied = try query.optional("applied", maximumLength: 9).flatMap { Int($0) }
            // The database thread reads; the page renders after it is released.
            let render = try await self.access.inSession(request) { session, viewer -> @Sendable () -> HTML in
                let frame = try DashboardFrame.load(session, viewer: viewer, tab: tab, period: period, scope: scope)
                switch tab {
                case .overview: return { [page = try OverviewPage.load(session, frame: frame)] in page.render() }
                case .leaderboard: return { [page = try LeaderboardPage.load(session, frame: frame, metric: metric, kind: kind)] in page.render() }
                case .funnel: return { [page = try FunnelPage.load(session, frame: frame)] in page.render() }
                case .breakdowns: return { [page = try BreakdownsPage.load(session, frame: frame)] in page.render() }
                case .forecast: return { [page = try ForecastPage.load(session, frame: frame)] in page.render() }
                case .plan:
                    let page = try PlanPage.load(session, frame: frame, plan: plan, total: total, applied: applied)
                    return { page.render() }
                }
            }
            return render.map { $0() }
        }
    }

    func explain(_ request: Request) async throws -> Response {
        let query = QueryParameters(request: request)
        return try await self.page {
            let explainRequest = try KPIRoutes.explainRequest(query)
            return try await self.access.inSession(request) { session, viewer in
                (try KPIExplainer(session: session).explain(explainRequest), try OrgFacts.load(session), viewer)
            }.map { ExplainPage(explanation: $0.0, org: $0.1, viewer: $0.2, request: explainRequest).render() }
        }
    }

    func setTarget(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request)
        if let refusal = Self.refusal(of: form, in: request) { return refusal }
        do {
            guard let metric = form["metric"], let period = form["period"], let scopeLabel = form["scope"],
                  let scope = TargetScope(label: scopeLabel) else {
                throw Problem(.badRequest, "the form needs metric, period and scope")
            }
            guard let text = form["value"], let value = DecimalText.parse(text) else {
                throw Problem(.badRequest, "target value '\(form["value"] ?? "")' is not a number such as 120000 or 35.5")
            }
            let done: Bool? = try await self.access.inSession(request, role: .admin) { session, _ in
                _ = try TargetRepository(session: session).set(scope: scope, metric: metric, period: period, value: value)
                return true
            }
            guard done != nil else { return Layout.redirect("/dashboard/login") }
            return Layout.redirect(PageLink("/dashboard/overview", [("period", period), ("scope", scope.label)]).text)
        } catch {
            return Layout.problem(Problem.from(error, logger: self.logger), viewer: nil)
        }
    }

    /// Applies the Plan tab's draft as revenue targets (admins), then shows the tab again with
    /// how many targets were written.
    func applyPlan(_ request: Request) async throws -> Response {
        let form = try await FormBody.read(request)
        if let refusal = Self.refusal(of: form, in: request) { return refusal }
        do {
            guard let label = form["plan"], PeriodLabel.isWellFormed(label, allowingDays: false), let scopeLabel = form["scope"],
                  let scope = TargetScope(label: scopeLabel) else {
                throw Problem(.badRequest, "the form needs a plan period such as 2026-12 and a scope")
            }
            let totalText = form["total"].flatMap { $0.isEmpty ? nil : $0 }
            let total = try totalText.map { text in
                guard let value = DecimalText.parse(text) else { throw Problem(.badRequest, "total '\(text)' is not a number such as 250000") }
                return value
            }
            let replace = form["replace"] != nil
            let written: Int? = try await self.access.inSession(request, role: .admin) { session, _ in
                let engine = ForecastEngine(session: session)
                return try engine.apply(try engine.planQuotas(period: label, scope: scope, total: total), replace: replace)
            }
            guard let written else { return Layout.redirect("/dashboard/login") }
            return Layout.redirect(PageLink("/dashboard/plan", [("period", form["period"]), ("scope", scope.label), ("plan", label),
                                                                ("total", totalText), ("applied", String(written))]).text)
        } catch {
            return Layout.problem(Problem.from(error, logger: self.logger), viewer: nil)
        }
    }

    /// What a changing form gets instead of being carried out: the login page without a
    /// session cookie, 403 when the form's CSRF token is not the session's; nil when it may go on.
    static func refusal(of form: FormBody, in request: Request) -> Response? {
        guard let secret = DashboardAccess.sessionSecret(request) else { return Layout.redirect("/dashboard/login") }
        guard SessionSecret.csrfTokenMatches(form["csrf"], secret: secret) else {
            return Layout.problem(Problem(.forbidden, "the form's CSRF token is missing or wrong; reload the page"), viewer: nil)
        }
        return nil
    }

    /// Renders a page the viewer's session may see: the login page without a live session,
    /// an HTML problem page (with the API's status) when the work fails.
    func page(_ render: () async throws -> HTML?) async throws -> Response {
        do {
            guard let page = try await render() else { return Layout.redirect("/dashboard/login") }
            return Layout.response(page)
        } catch {
            return Layout.problem(Problem.from(error, logger: self.logger), viewer: nil)
        }
    }
}
