/** The dashboard's stylesheet, inlined into the page: system fonts only, a fluid grid from phone to laptop. */
export const DASHBOARD_STYLES = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f1f5f9;color:#0f172a;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif;font-variant-numeric:tabular-nums}
.wrap{max-width:1280px;margin:0 auto;padding:0 20px}
.top{background:#0f172a;color:#f8fafc;padding:18px 0 14px}
.top .wrap{display:flex;flex-wrap:wrap;gap:10px 24px;align-items:flex-end;justify-content:space-between}
.brand{margin:0;font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:#94a3b8;font-weight:600}
h1{margin:2px 0 0;font-size:22px;font-weight:650;letter-spacing:-.01em}
nav{display:flex;flex-wrap:wrap;gap:4px}
nav a{color:#cbd5e1;text-decoration:none;font-size:13px;padding:4px 10px;border-radius:999px;border:1px solid #334155}
nav a:hover,nav a:focus-visible{color:#fff;border-color:#94a3b8}
section{margin:26px 0 8px;scroll-margin-top:12px}
h2{font-size:18px;margin:0 0 12px;font-weight:650}
h2 .muted{font-size:14px;font-weight:400;margin-left:6px}
h3{font-size:14px;margin:0;font-weight:600}
.subhead{margin:18px 0 8px}
.muted{color:#64748b}
.note{font-size:13px;color:#64748b;margin:10px 0 0;max-width:80ch}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,196px),1fr));gap:12px}
.kpi{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:14px 16px}
.kpi h3{font-size:13px;font-weight:600;color:#475569;text-transform:uppercase;letter-spacing:.04em}
.kpi-value{font-size:28px;font-weight:700;margin:4px 0 2px;letter-spacing:-.02em}
.kpi-change{margin:0;font-size:13px}
.kpi-day{margin:8px 0 0;padding-top:8px;border-top:1px solid #e2e8f0;font-size:12.5px;color:#334155;white-space:nowrap}
.kpi-day .change{font-size:11.5px;padding:0 5px}
.change{display:inline-block;font-weight:600;white-space:nowrap;border-radius:6px;padding:0 6px;font-size:12.5px}
.tone-good{color:#166534;background:#dcfce7}
.tone-bad{color:#991b1b;background:#fee2e2}
.tone-neutral{color:#334155;background:#e2e8f0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr));gap:14px}
.grid-small{grid-template-columns:repeat(auto-fit,minmax(min(100%,280px),1fr))}
.panel{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:14px 16px;min-width:0}
.panel figcaption{margin-bottom:8px}
.panel figcaption h3::first-letter{text-transform:uppercase}
.panel figcaption p{margin:2px 0 0;font-size:12.5px}
.chart{position:relative;width:100%}
.empty{background:#fff;border:1px dashed #cbd5e1;border-radius:12px;padding:18px;color:#64748b;margin:0}
.table-scroll{overflow-x:auto;background:#fff;border:1px solid #e2e8f0;border-radius:12px;margin-top:14px;-webkit-overflow-scrolling:touch}
section > .table-scroll:first-of-type{margin-top:0}
table{border-collapse:collapse;width:100%;font-size:13.5px}
caption{caption-side:bottom;text-align:left;padding:8px 12px;font-size:12.5px;color:#64748b}
th,td{padding:8px 12px;text-align:left;border-bottom:1px solid #f1f5f9;vertical-align:top}
td{white-space:nowrap}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#475569;background:#f8fafc;white-space:nowrap;font-weight:600}
tbody th{font-weight:500}
tbody tr:last-child th,tbody tr:last-child td{border-bottom:0}
.num{text-align:right;white-space:nowrap}
.partner{font-weight:600}
.id{font-size:12px}
.tag{display:inline-block;font-size:11.5px;font-weight:600;padding:1px 7px;border-radius:999px;background:#e2e8f0;color:#334155;white-space:nowrap}
.confidence-high{background:#dcfce7;color:#166534}
.confidence-medium{background:#fef9c3;color:#854d0e}
.confidence-low,.confidence-insufficient_data{background:#fee2e2;color:#991b1b}
.verdict-win{background:#dcfce7;color:#166534}
.verdict-loss{background:#fee2e2;color:#991b1b}
.verdict-srm{background:#fef3c7;color:#92400e}
.status-ok{background:#dcfce7;color:#166534}
.status-warn{background:#fef3c7;color:#92400e}
.status-broken{background:#dc2626;color:#fff}
.tracking-table thead th{white-space:normal}
.tracking-table .reason{min-width:200px}
.tracking-summary,.quality-summary{margin:0 0 4px;font-size:13.5px;display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.quality-table thead th{white-space:normal}
.tag.flag{background:#fee2e2;color:#991b1b}
.signal-flagged{display:inline-block;background:#dc2626;color:#fff;font-weight:700;border-radius:6px;padding:0 6px}
.signal-worse{color:#b45309;font-weight:600}
.quality-users{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:12px 16px;margin-top:10px}
.quality-users ul{margin:8px 0 0;padding-left:18px;font-size:13.5px}
.quality-users li{margin:4px 0;overflow-wrap:anywhere}
.campaigns{display:grid;gap:14px}
.campaign h3{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-size:15px}
.campaign-facts{margin:6px 0 0;font-size:13px;color:#334155}
.campaign .table-scroll{margin-top:10px}
.chart-interval{height:120px;margin-top:8px}
.warning{margin:10px 0 0;padding:8px 12px;background:#fffbeb;border-left:4px solid #d97706;border-radius:6px;font-size:13px;color:#78350f;max-width:100ch}
.reason{display:block;min-width:240px;max-width:60ch;white-space:normal}
.heatmap td.heat{min-width:64px}
.table-scroll tbody th,.table-scroll thead th:first-child{position:sticky;left:0;z-index:1}
.table-scroll tbody th{background:#fff}
.heatmap td.stay{box-shadow:inset 0 0 0 2px rgba(15,23,42,.25)}
footer{font-size:12.5px;padding:24px 20px 40px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
@media (max-width:600px){
  .wrap{padding:0 12px}
  h1{font-size:18px}
  .kpis{grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
  .kpi{padding:10px 12px}
  .kpi-value{font-size:22px}
  .panel{padding:12px}
  th,td{padding:7px 9px}
  table.stack thead{display:none}
  table.stack,table.stack tbody,table.stack tr,table.stack tbody th,table.stack td{display:block;width:100%}
  table.stack tr{padding:10px 12px;border-bottom:1px solid #e2e8f0}
  table.stack tbody tr:last-child{border-bottom:0}
  table.stack tbody th{position:static;padding:0 0 6px;border:0}
  table.stack td{display:flex;justify-content:space-between;align-items:baseline;gap:12px;padding:3px 0;border:0;white-space:normal}
  table.stack td::before{content:attr(data-label);color:#64748b;font-size:12px;text-align:left}
  table.stack td.wide{display:block;padding-top:6px}
  table.stack td.wide::before{display:block;margin-bottom:2px}
  .reason{min-width:0}
}
@media print{nav{display:none}.panel,.kpi{break-inside:avoid}}
`;
