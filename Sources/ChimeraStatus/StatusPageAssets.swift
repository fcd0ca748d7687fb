/// The status page's style sheet and script, inline so the page is one response that needs
/// nothing else (and the Content-Security-Policy can forbid every other source).
enum StatusPageAssets {
    /// Dark text on white, status colours with at least 4.5:1 contrast against white text, one
    /// column on a narrow screen, wide tables scrolled within their box.
    static let style = """
        :root{--healthy:#1a7f37;--degraded:#9a6700;--unhealthy:#cf222e;--unknown:#57606a;--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
        header,main{max-width:1100px;margin:0 auto;padding:0 16px}
        h1{font-size:1.5rem;margin:16px 0 4px}h1 .server{font-weight:400;color:var(--muted)}
        h2{font-size:1.2rem;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{font-size:1rem;margin:16px 0 4px;overflow-wrap:anywhere}
        #live{color:var(--muted);margin:0}
        .badge{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:.85rem;font-weight:600}
        .s-healthy{background:var(--healthy);fill:var(--healthy)}.s-degraded{background:var(--degraded);fill:var(--degraded)}
        .s-unhealthy{background:var(--unhealthy);fill:var(--unhealthy)}.s-unknown{background:var(--unknown);fill:var(--unknown)}
        .key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;border-radius:2px}
        .legend,.reason{color:var(--muted);font-size:.9rem;margin:4px 0}
        .facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:4px 0}.facts div{display:flex;gap:6px}.facts dt{color:var(--muted)}.facts dd{margin:0;font-weight:600}
        svg.band{display:block;width:100%;height:24px;background:#f6f8fa;border:1px solid var(--line)}
        svg.bars{display:block;width:100%;height:40px;margin-top:6px;background:#f6f8fa}.bar{fill:#0969da}
        .axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
        figure.chart{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}figure.chart figcaption{font-weight:600}
        figure.chart svg{width:100%;height:auto;display:block}figure.chart text{font-size:9px;fill:var(--muted)}
        .axis-line{stroke:var(--line)}.line{fill:none;stroke:#0969da;stroke-width:1.5}.point{fill:#0969da}
        .line.p95{stroke:#8250df}.point.p95{fill:#8250df}.line.p99{stroke:#bc4c00}.point.p99{fill:#bc4c00}
        .line-key{font-weight:700}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        caption{text-align:left;color:var(--muted);padding:4px 0}
        th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
        thead th{background:#f6f8fa}
        tr.failed td{background:#ffebe9}.error-mark,.kind{color:#a40e26;font-weight:700}
        .tag{font-size:.75rem;color:var(--muted)}
        code{font:.85rem ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}td code{white-space:nowrap}
        details summary{cursor:pointer}
        @media (max-width:600px){body{font-size:14px}th,td{padding:4px}}
        """

    /// Polls `/status.json` and swaps in the live sections; any `?key=` the page was opened with
    /// goes along (the proxy accepts its key that way). A failed poll leaves the page as it was
    /// and says so.
    static let script = """
        (function () {
          var live = document.getElementById('live');
          var every = Number(document.body.dataset.pollMs) || 2000;
          var polls = 0;
          function poll() {
            fetch('/status.json' + location.search, {cache: 'no-store', credentials: 'same-origin'})
              .then(function (response) {
                if (!response.ok) { throw new Error('HTTP ' + response.status); }
                return response.json();
              })
              .then(function (status) {
                Object.keys(status.sections).forEach(function (id) {
                  var element = document.getElementById(id);
                  if (element) { element.innerHTML = status.sections[id]; }
                });
                polls += 1;
                document.body.dataset.polls = String(polls);
                live.textContent = 'As of ' + status.generated_at.slice(11, 19) + ' UTC, refreshed every ' + every / 1000 + ' s.';
              })
              .catch(function (error) { live.textContent = 'Live updates paused (' + error.message + '); showing the last state.'; });
          }
          setInterval(poll, every);
        })();
        """
}
