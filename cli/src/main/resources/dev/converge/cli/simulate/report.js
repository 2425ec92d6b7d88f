// Draws the report's charts as SVG from the JSON in #converge-data. Self-contained on purpose: no library, no
// network, so the file opens the same offline. Every chart is a <figure class="chart" data-chart=ID> whose SVG
// holds one <path class="series" data-series=NAME> per series and a legend <text> per series; the page marks
// <body data-rendered="N"> with the number of charts drawn once it is done (the Chromium test reads both).
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5',
    '#9c6b4e', '#9498a0'];
  var W = 640, PLOT_H = 220, M = {l: 70, r: 16, t: 14, b: 40};
  var data = JSON.parse(document.getElementById('converge-data').textContent);
  var variants = data.variants;
  var root = document.getElementById('report');
  var drawn = 0;

  function html(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function svg(tag, attrs, parent, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
    return 10 * p;
  }

  function fmt(v) {
    if (v === 0) { return '0'; }
    var a = Math.abs(v);
    if (a >= 1e6) { return +(v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e4) { return +(v / 1e3).toFixed(1) + 'k'; }
    if (a >= 100) { return String(Math.round(v)); }
    if (a >= 1) { return String(+v.toFixed(2)); }
    return String(+v.toPrecision(2));
  }

  // Bucketed counts as steps over time: bucket i spans [i*b, min((i+1)*b, end)); rates divide by that width.
  function stepPoints(values, v, perSecond) {
    var pts = [];
    for (var i = 0; i < v.buckets; i++) {
      var x0 = i * v.bucketSeconds, x1 = Math.min((i + 1) * v.bucketSeconds, v.simulatedSeconds);
      var raw = i < values.length ? values[i] : (perSecond ? 0 : null);
      var y = raw === null ? null : (perSecond ? raw / Math.max(x1 - x0, 1e-9) : raw);
      pts.push([x0, y], [x1, y]);
    }
    return pts;
  }

  function timeAxis(xMax) {
    return xMax >= 600 ? {div: 60, label: 'simulated time (min)'} : {div: 1, label: 'simulated time (s)'};
  }

  // spec: {id, title, yLabel, xMax, yMax, log, stacked, series: [{name, points: [[x, y|null]], dash}],
  //        thresholds: [{name, y, color}], note}
  function chart(parent, spec) {
    var fig = html('figure', {'class': 'chart', 'data-chart': spec.id}, parent);
    var legendRows = spec.series.length + (spec.thresholds || []).length;
    var H = M.t + PLOT_H + M.b + 16 * legendRows + 6;
    var s = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': spec.title}, fig);
    svg('title', {}, s, spec.title);
    var pw = W - M.l - M.r;
    var t = timeAxis(spec.xMax);
    var x = function (v) { return M.l + pw * v / spec.xMax; };
    var lo = 0, hi = spec.yMax, y;
    if (spec.log) {
      lo = Math.pow(10, Math.floor(Math.log10(spec.yMin)));
      hi = Math.pow(10, Math.ceil(Math.log10(spec.yMax)));
      if (hi <= lo) { hi = lo * 10; }
      y = function (v) { return M.t + PLOT_H * (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))); };
    } else {
      y = function (v) { return M.t + PLOT_H * (1 - v / hi); };
    }
    var grid = svg('g', {'class': 'grid'}, s);
    var axis = svg('g', {'class': 'axis'}, s);
    var ticks = [];
    if (spec.log) {
      for (var e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) { ticks.push(Math.pow(10, e)); }
    } else {
      for (var k = 0; k <= 4; k++) { ticks.push(hi * k / 4); }
    }
    ticks.forEach(function (v) {
      svg('line', {x1: M.l, x2: W - M.r, y1: y(v), y2: y(v)}, grid);
      svg('text', {x: M.l - 6, y: y(v) + 4, 'text-anchor': 'end', 'class': 'tick'}, axis, fmt(v));
    });
    var xStep = niceMax(spec.xMax / t.div / 6) * t.div;
    for (var xv = 0; xv <= spec.xMax + 1e-9; xv += xStep) {
      svg('line', {x1: x(xv), x2: x(xv), y1: M.t + PLOT_H, y2: M.t + PLOT_H + 4}, axis);
      svg('text', {x: x(xv), y: M.t + PLOT_H + 16, 'text-anchor': 'middle', 'class': 'tick'}, axis, fmt(xv / t.div));
    }
    svg('path', {d: 'M' + M.l + ',' + M.t + 'V' + (M.t + PLOT_H) + 'H' + (W - M.r)}, axis);
    svg('text', {x: M.l + pw / 2, y: M.t + PLOT_H + 32, 'text-anchor': 'middle', 'class': 'axis-label'}, axis, t.label);
    svg('text', {x: 12, y: M.t + PLOT_H / 2, 'text-anchor': 'middle', 'class': 'axis-label',
      transform: 'rotate(-90 12 ' + (M.t + PLOT_H / 2) + ')'}, axis, spec.yLabel);

    var plot = svg('g', {'class': 'plot'}, s);
    var below = null;
    spec.series.forEach(function (series, i) {
      var color = series.color || COLORS[i % COLORS.length];
      var d = '';
      if (spec.stacked) {
        var top = series.points.map(function (p, n) { return [p[0], (below ? below[n][1] : 0) + (p[1] || 0)]; });
        var base = below || series.points.map(function (p) { return [p[0], 0]; });
        d = 'M' + top.map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join('L');
        d += 'L' + base.slice().reverse().map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join('L') + 'Z';
        below = top;
        svg('path', {'class': 'series area', 'data-series': series.name, d: d, fill: color, stroke: color}, plot);
      } else {
        var pen = false;
        series.points.forEach(function (p) {
          if (p[1] === null || p[1] === undefined) { pen = false; return; }
          d += (pen ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1);
          pen = true;
        });
        var attrs = {'class': 'series line', 'data-series': series.name, d: d || 'M0,0', stroke: color};
        if (series.dash) { attrs['stroke-dasharray'] = '5 3'; }
        svg('path', attrs, plot);
      }
      series.color = color;
    });
    (spec.thresholds || []).forEach(function (th) {
      svg('line', {'class': 'threshold', 'data-threshold': th.name, x1: M.l, x2: W - M.r, y1: y(th.y), y2: y(th.y),
        stroke: th.color}, plot);
    });
    var legend = svg('g', {'class': 'legend'}, s);
    var ly = M.t + PLOT_H + M.b + 12;
    spec.series.forEach(function (series) {
      var row = svg('g', {'class': 'legend-item', 'data-series': series.name}, legend);
      var sw = {x1: M.l, x2: M.l + 18, y1: ly - 4, y2: ly - 4, stroke: series.color, 'stroke-width': 6};
      if (series.dash) { sw['stroke-dasharray'] = '5 3'; sw['stroke-width'] = 2; }
      svg('line', sw, row);
      svg('text', {x: M.l + 24, y: ly}, row, series.name + (series.detail ? ' — ' + series.detail : ''));
      ly += 16;
    });
    (spec.thresholds || []).forEach(function (th) {
      var row = svg('g', {'class': 'legend-item', 'data-threshold': th.name}, legend);
      svg('line', {'class': 'threshold', x1: M.l, x2: M.l + 18, y1: ly - 4, y2: ly - 4, stroke: th.color}, row);
      svg('text', {x: M.l + 24, y: ly}, row, th.name);
      ly += 16;
    });
    if (spec.note) { html('figcaption', {}, fig, spec.note); }
    drawn++;
    return fig;
  }

  // One section per chart kind; in it one panel per variant, all on the same scales so they compare at a glance.
  function section(title, build) {
    html('h2', {}, root, title);
    var panels = html('div', {'class': 'panels'}, root);
    variants.forEach(function (v, i) {
      var panel = html('div', {'class': 'panel', 'data-variant': String(i)}, panels);
      if (variants.length > 1) { html('h3', {}, panel, v.label); }
      build(panel, v, i);
    });
  }

  function maxOf(list) { return list.reduce(function (m, v) { return v > m ? v : m; }, 0); }
  var xMax = maxOf(variants.map(function (v) { return v.simulatedSeconds; }));
  // Identities keep one colour across variants.
  var identityColor = {};
  variants.forEach(function (v) {
    v.requests.concat(v.rejected).forEach(function (r) {
      if (!(r.name in identityColor)) { identityColor[r.name] = COLORS[Object.keys(identityColor).length % COLORS.length]; }
    });
  });
  var sloColor = {};
  variants[0].slos.forEach(function (slo, i) { sloColor[slo.name] = COLORS[(i + 2) % COLORS.length]; });

  function stackedMax(list, v) {
    var totals = [];
    list.forEach(function (r) {
      stepPoints(r.values, v, true).forEach(function (p, n) { totals[n] = (totals[n] || 0) + p[1]; });
    });
    return maxOf(totals);
  }

  function summary() {
    html('h2', {}, root, 'Summary');
    var table = html('table', {'class': 'summary'}, root);
    var head = html('tr', {}, table);
    html('th', {}, head, '');
    variants.forEach(function (v) { html('th', {}, head, v.label); });
    function row(name, cell) {
      var tr = html('tr', {}, table);
      html('th', {}, tr, name);
      variants.forEach(function (v) { cell(html('td', {}, tr), v); });
    }
    row('nodes', function (td, v) { td.textContent = String(v.nodes); });
    row('simulated', function (td, v) { td.textContent = fmt(v.simulatedSeconds) + ' s'; });
    row('seed', function (td, v) { td.textContent = String(v.seed); });
    row('edits', function (td, v) { td.textContent = v.edits.length ? v.edits.join(', ') : '(none)'; });
    row('API requests', function (td, v) { td.textContent = String(v.requestsTotal); });
    row('rejected (429)', function (td, v) { td.textContent = String(v.rejectedTotal); });
    variants[0].rollouts.forEach(function (r, i) {
      row(r.name + ' available at', function (td, v) {
        var w = v.rollouts[i];
        td.textContent = !w || w.availableAtSeconds === null ? 'not available' : fmt(w.availableAtSeconds) + ' s';
        // Why not, as kubectl get pods would say it: "not available: 3 ImagePullBackOff"; the message on hover.
        if (w && w.availableAtSeconds === null && w.notReady && w.notReady.length) {
          td.textContent += ': ' + w.notReady.map(function (g) { return g.pods + ' ' + g.status; }).join(', ');
          td.title = w.notReady[0].message;
        }
      });
    });
    variants[0].slos.forEach(function (slo, i) {
      row('p99 ' + slo.name + ' (SLO ' + fmt(slo.thresholdMs) + ' ms)', function (td, v) {
        td.textContent = fmt(v.slos[i].p99Ms) + ' ms';
        if (v.slos[i].breached) { td.className = 'breached'; td.textContent += ' — breached'; }
      });
    });
    row('trace hash', function (td, v) { html('code', {}, td, v.traceHash.substring(0, 16)); });
    if (variants.some(function (v) { return v.notes.length > 0; })) {
      row('notes', function (td, v) {
        var list = html('ul', {'class': 'notes'}, td);
        v.notes.forEach(function (note) { html('li', {}, list, note); });
      });
    }
  }

  document.getElementById('subtitle').textContent = variants.length > 1
    ? 'The input as given and with ' + data.change + ', side by side on the same scales.'
    : variants[0].nodes + ' nodes, ' + fmt(variants[0].simulatedSeconds) + ' simulated seconds, seed ' + variants[0].seed + '.';
  summary();

  var requestsMax = niceMax(maxOf(variants.map(function (v) { return stackedMax(v.requests, v); })));
  section('API-server requests per second, by identity', function (panel, v, i) {
    chart(panel, {id: 'requests', title: 'API-server requests per second by identity (' + v.label + ')',
      yLabel: 'requests / s', xMax: xMax, yMax: requestsMax, stacked: true,
      series: v.requests.map(function (r) {
        return {name: r.name, color: identityColor[r.name], points: stepPoints(r.values, v, true)};
      }),
      note: 'Stacked; each step is one ' + fmt(v.bucketSeconds) + ' s bucket. Kubelets are one row, system:node:*.'});
  });

  var p99s = [], lows = [];
  variants.forEach(function (v) {
    v.slos.forEach(function (slo) {
      p99s.push(slo.thresholdMs);
      slo.values.forEach(function (ms) { if (ms !== null) { p99s.push(ms); if (ms > 0) { lows.push(ms); } } });
    });
  });
  var yMin = lows.length ? Math.min.apply(null, lows) : 1;
  section('p99 latency against the SLOs', function (panel, v) {
    var counted = v.slos.filter(function (slo) { return slo.values.some(function (ms) { return ms !== null; }); });
    chart(panel, {id: 'latency', title: 'p99 latency per SLO class (' + v.label + ')', yLabel: 'p99 latency (ms, log)',
      xMax: xMax, yMin: yMin, yMax: maxOf(p99s), log: true,
      series: counted.map(function (slo) {
        return {name: slo.name, color: sloColor[slo.name], points: stepPoints(slo.values, v, false),
          detail: 'p99 over the run ' + fmt(slo.p99Ms) + ' ms' + (slo.breached ? ', SLO breached' : '')};
      }),
      thresholds: v.slos.map(function (slo) {
        return {name: slo.name + ' SLO: p99 ≤ ' + fmt(slo.thresholdMs / 1000) + ' s', y: slo.thresholdMs, color: sloColor[slo.name]};
      }),
      note: counted.length ? 'Dashed: the thresholds of Kubernetes\u2019 API call latency SLOs.' : 'No request counted in any SLO class.'});
  });

  var workloads = [];
  variants.forEach(function (v) {
    v.rollouts.forEach(function (r) { if (workloads.indexOf(r.name) < 0) { workloads.push(r.name); } });
  });
  workloads.forEach(function (name) {
    var top = niceMax(maxOf(variants.map(function (v) {
      var r = v.rollouts.filter(function (w) { return w.name === name; })[0];
      return r ? Math.max(maxOf(r.desired), maxOf(r.available)) : 0;
    })));
    section('Rollout of ' + name + ': available and desired pods', function (panel, v) {
      var r = v.rollouts.filter(function (w) { return w.name === name; })[0];
      if (!r) { html('p', {'class': 'note'}, panel, 'Not in this variant.'); return; }
      var pts = function (values) { return r.seconds.map(function (s, n) { return [s, values[n]]; }); };
      chart(panel, {id: 'rollout', title: 'Rollout of ' + name + ' (' + v.label + ')', yLabel: 'pods', xMax: xMax, yMax: top,
        series: [{name: 'available', color: '#3ca951', points: pts(r.available)},
          {name: 'desired', color: '#4269d0', dash: true, points: pts(r.desired)}],
        note: r.availableAtSeconds === null ? 'Not fully available at the end of the run.'
          : 'Fully available at ' + fmt(r.availableAtSeconds) + ' s.'});
    });
  });

  var rejectedMax = niceMax(maxOf(variants.map(function (v) { return stackedMax(v.rejected, v); })));
  section('429 responses per second, by identity', function (panel, v) {
    var series = v.rejected.map(function (r) {
      return {name: r.name, color: identityColor[r.name], points: stepPoints(r.values, v, true)};
    });
    if (!series.length) {
      series = [{name: 'all identities', color: '#9498a0', points: stepPoints([], v, true)}];
    }
    chart(panel, {id: 'rejections', title: '429 responses per second (' + v.label + ')', yLabel: '429s / s',
      xMax: xMax, yMax: rejectedMax, stacked: true, series: series,
      note: v.rejectedTotal ? v.rejectedTotal + ' requests answered 429 (each sent again after Retry-After).'
        : 'No request was answered 429.'});
  });

  document.body.setAttribute('data-rendered', String(drawn));
}());
