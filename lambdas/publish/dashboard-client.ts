/**
 * The dashboard page's own script, inlined after Chart.js: it draws every `canvas[data-chart]`
 * from the chart specs in the page's JSON (dashboard-charts.ts), then sets
 * `document.body.dataset.chartsRendered` to the number drawn so a test can wait for it.
 * Kept as plain ES2017 text (not compiled TypeScript) so no build helper can leak into the page.
 */
export const DASHBOARD_CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);

  function usd(value) {
    var size = Math.abs(value);
    var sign = value < 0 ? '-' : '';
    if (size >= 999500) return sign + '$' + (size / 1000000).toFixed(2) + 'M';
    if (size >= 9995) return sign + '$' + (size / 1000).toFixed(1) + 'k';
    if (size >= 10 || size === Math.round(size)) return sign + '$' + Math.round(size).toLocaleString('en-US');
    return sign + '$' + size.toFixed(2);
  }
  var formats = {
    usd: usd,
    count: function (value) { return Math.round(value).toLocaleString('en-US'); },
    percent: function (value) { return Math.round(value * 100) + '%'; },
    points: function (value) { return (value > 0 ? '+' : '') + (value * 100).toFixed(1) + ' pp'; },
    decimal: function (value) { return (value > 0 ? '+' : '') + value.toFixed(2); }
  };
  function tick(format) {
    return function (value) { return formats[format](Number(value)); };
  }

  function hexToRgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  function dataset(spec, series) {
    var draw = series.draw || spec.type;
    var base = { label: series.label, data: series.data, borderColor: series.color };
    // Ranges share their category's slot (not side by side), so the narrower one sits inside.
    if (draw === 'range') {
      base.type = 'bar';
      base.backgroundColor = series.color;
      base.borderRadius = 3;
      base.grouped = false;
      base.barPercentage = series.thickness || 0.9;
      base.categoryPercentage = 1;
      return base;
    }
    if (draw === 'bar') {
      base.type = 'bar';
      base.backgroundColor = series.color;
      base.borderRadius = 3;
      base.maxBarThickness = 28;
      return base;
    }
    base.type = 'line';
    base.backgroundColor = hexToRgba(series.color, 0.15);
    base.pointBackgroundColor = series.color;
    if (draw === 'points') {
      base.showLine = false;
      base.pointRadius = spec.labels.length > 20 ? 2.5 : 5;
      return base;
    }
    base.borderWidth = series.emphasis ? 3 : 2;
    base.pointRadius = spec.labels.length > 20 ? 0 : 3;
    base.pointHoverRadius = 4;
    base.tension = 0.25;
    base.spanGaps = spec.spanGaps === true;
    return base;
  }

  var referenceLine = {
    id: 'referenceLine',
    afterDatasetsDraw: function (chart) {
      var value = chart.config.options.referenceLine;
      if (typeof value !== 'number') return;
      var horizontal = chart.config.options.indexAxis === 'y';
      var scale = horizontal ? chart.scales.x : chart.scales.y;
      var at = scale.getPixelForValue(value);
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#1e293b';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      if (horizontal) { ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); }
      else { ctx.moveTo(area.left, at); ctx.lineTo(area.right, at); }
      ctx.stroke();
      ctx.restore();
    }
  };

  function config(spec) {
    var horizontal = spec.horizontal === true;
    var valueAxis = { beginAtZero: true, ticks: { callback: tick(spec.valueFormat), maxTicksLimit: 6 }, grid: { color: '#e2e8f0' } };
    var few = spec.labels.length <= 12;
    var categoryAxis = { grid: { display: false }, ticks: { autoSkip: !few, maxRotation: 0, autoSkipPadding: 12 } };
    // A few category labels under bars are all shown, broken into words so they fit a phone.
    var labels = few && !horizontal && spec.type === 'bar'
      ? spec.labels.map(function (label) { return label.indexOf(' ') > 0 ? label.split(' ') : label; })
      : spec.labels;
    return {
      type: spec.type,
      data: { labels: labels, datasets: spec.series.map(function (s) { return dataset(spec, s); }) },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        referenceLine: spec.referenceLine,
        interaction: { mode: 'index', intersect: false },
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { display: spec.series.length > 1 },
          tooltip: {
            callbacks: {
              label: function (item) {
                var format = formats[spec.valueFormat];
                if (Array.isArray(item.raw)) return item.dataset.label + ': ' + format(item.raw[0]) + ' to ' + format(item.raw[1]);
                var value = horizontal ? item.parsed.x : item.parsed.y;
                return item.dataset.label + ': ' + (value === null ? 'n/a' : format(value));
              }
            }
          }
        }
      },
      plugins: [referenceLine]
    };
  }

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#475569';
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.position = 'bottom';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;

  var rendered = 0;
  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i += 1) {
    var canvas = canvases[i];
    var spec = data.charts[canvas.getAttribute('data-chart')];
    if (!spec) throw new Error('the page has no data for chart ' + canvas.getAttribute('data-chart'));
    new Chart(canvas, config(spec));
    rendered += 1;
  }
  document.body.dataset.chartsRendered = String(rendered);
})();
`;
