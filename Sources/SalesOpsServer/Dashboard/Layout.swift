import Foundation
import HTTPTypes
import Hummingbird

/// The frame of every dashboard page and the headers every dashboard response carries.
enum Layout {
    /// Nothing may load from anywhere but this server; no script runs; forms post here only.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    /// A whole page: the header (org, who is logged in, logout) and the body.
    static func page(title: String, org: String? = nil, viewer: Viewer? = nil, body: HTML) -> HTML {
        let account: HTML = viewer.map { viewer in
            """
            <form class="logout" method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="\(viewer.csrfToken)"><span>\(viewer.session.role.rawValue)</span> <button type="submit">Log out</button></form>
            """
        } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · salesops</title><link rel="stylesheet" href="/dashboard/style.css"><link rel="icon" href="/dashboard/icon.svg" type="image/svg+xml"></head>
            <body><header><a class="brand" href="/dashboard/overview">salesops</a><span class="org">\(org ?? "")</span>\(account)</header>
            <main>\(body)</main></body></html>
            """
    }

    /// An HTML response with the dashboard's headers.
    static func response(_ page: HTML, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        for field in extra { headers.append(field) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.description)))
    }

    /// 303 See Other to `location`.
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = self.securityHeaders
        headers[.location] = location
        for field in extra { headers.append(field) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A page saying what went wrong, with the status it goes with.
    static func problem(_ problem: Problem, viewer: Viewer?) -> Response {
        let body: HTML = """
            <section class="problem"><h1>\(problem.title)</h1><p>\(problem.detail ?? "")</p><p><a href="/dashboard/overview">Back to the overview</a></p></section>
            """
        return self.response(self.page(title: problem.title, viewer: viewer, body: body), status: problem.status)
    }

    /// The tab icon (so browsers ask for nothing outside the dashboard's paths).
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#14213d"/><polyline points="3,12 7,8 9,10 13,4" fill="none" stroke="#fff" stroke-width="2"/></svg>
        """

    static let stylesheet = """
        :root{--ink:#1d2433;--muted:#5f6b7a;--line:#dde3ea;--accent:#1f5fbf;--good:#1d7a46;--bad:#b3261e;--card:#fff;--bg:#f4f6f9}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#14213d;color:#fff}
        header a.brand{color:#fff;font-weight:700;text-decoration:none}header .org{flex:1;opacity:.85}
        header form.logout{display:flex;gap:.5rem;align-items:center}header button{font:inherit}
        main{padding:1rem 1.2rem;max-width:1280px;margin:0 auto}h1{font-size:1.35rem;margin:.2rem 0 .6rem}h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
        a{color:var(--accent)}.muted{color:var(--muted)}.good{color:var(--good)}.bad{color:var(--bad)}
        form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.4rem 0 .8rem}form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
        input,select,button{font:inherit;padding:.25rem .4rem}nav.periods a{margin-right:.6rem}
        nav.tabs{display:flex;gap:1.2rem;border-bottom:1px solid var(--line);margin:.8rem 0 .4rem;padding-bottom:.35rem}
        .status{margin:.3rem 0 1rem}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:.8rem}
        .card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.7rem .8rem}
        .card h3{margin:0;font-size:.85rem;font-weight:600;color:var(--muted)}.card .value{font-size:1.6rem;font-weight:650;display:block;margin:.15rem 0}
        .card dl{display:grid;grid-template-columns:auto 1fr;gap:.05rem .6rem;margin:.2rem 0;font-size:.85rem}.card dt{color:var(--muted)}.card dd{margin:0}
        .card form{display:flex;gap:.3rem;margin-top:.3rem}.card form input[type=text]{width:7rem}
        .forecast-summary{max-width:34rem}.forecast-history figure{display:inline-block;margin:0 1.5rem .6rem 0}.forecast-history figcaption{font-size:.85rem;color:var(--muted)}
        .plan-inputs{display:grid;grid-template-columns:auto 1fr;gap:.1rem .8rem;max-width:40rem}.plan-inputs dt{color:var(--muted)}.plan-inputs dd{margin:0}
        .plan-teams,.apply-plan{margin-top:.8rem}.apply-plan{display:flex;gap:.6rem;align-items:center}
        table{border-collapse:collapse;background:var(--card);border:1px solid var(--line)}th,td{padding:.3rem .55rem;border-bottom:1px solid var(--line);text-align:left}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1rem}
        svg text{font-size:11px;fill:var(--ink)}svg .value{fill:var(--accent)}.scroll{overflow-x:auto}
        .explained-value .value{font-size:2rem;font-weight:650}.explained-value{margin:.3rem 0}
        .agree{padding:.4rem .6rem;border-radius:4px;display:inline-block}.agree.good{background:#e7f5ec}.agree.bad{background:#fbe9e7}
        .problem{background:var(--card);border:1px solid var(--line);padding:1rem;border-radius:6px;max-width:640px}
        form.login{background:var(--card);border:1px solid var(--line);padding:1rem;border-radius:6px;max-width:520px;display:flex;flex-direction:column;gap:.6rem}
        """
}
