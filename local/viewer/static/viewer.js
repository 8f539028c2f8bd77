// The execution viewer's page. Plain browser JavaScript, no build step: it reads the viewer's JSON
// API and draws with DOM elements. Every value from an execution is written with textContent or as
// an attribute, never parsed as HTML.
'use strict';

(function viewer() {
  const state = {
    executions: [],
    listText: '',
    selectedArn: undefined,
    model: undefined,
    selectedRowId: undefined,
    timeMode: 'relative',
    pollTimer: undefined,
  };
  const LIST_POLL_MS = 2000;
  const TIMELINE_POLL_MS = 1000;
  const OPEN_STATUSES = new Set(['RUNNING', 'PAUSING', 'PAUSED']);

  const $ = (id) => document.getElementById(id);

  function el(tag, options, children) {
    const node = document.createElement(tag);
    if (options) {
      if (options.className) node.className = options.className;
      if (options.text !== undefined) node.textContent = String(options.text);
      if (options.title !== undefined) node.title = String(options.title);
      if (options.style) Object.assign(node.style, options.style);
      if (options.data) for (const [key, value] of Object.entries(options.data)) if (value !== undefined) node.dataset[key] = String(value);
    }
    if (children) for (const child of children) if (child) node.appendChild(child);
    return node;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body && body.message ? body.message : `HTTP ${response.status}`);
    return body;
  }

  function formatDuration(ms) {
    if (ms === undefined || ms === null || !Number.isFinite(ms)) return '';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${m - h * 60} min`;
    return `${Math.floor(h / 24)} d ${h % 24} h`;
  }

  function formatTime(at) {
    if (at === undefined || at === null) return '';
    if (state.timeMode === 'relative' && state.model) return `+${formatDuration(at - state.model.startedAt) || '0 ms'}`;
    return new Date(at).toISOString().replace('T', ' ').replace('Z', ' UTC');
  }

  function prettyPayload(text) {
    if (text === undefined || text === null) return '';
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (_) {
      return String(text);
    }
  }

  // ── the list ──────────────────────────────────────────────────────────────
  async function refreshList() {
    try {
      const body = await getJson('/api/executions');
      // Redraw only on change, so a row is not replaced under the pointer between polls.
      const text = JSON.stringify(body);
      if (text === state.listText) return;
      state.listText = text;
      state.executions = body.executions;
      $('title').textContent = body.title;
      document.title = body.title;
      renderList();
    } catch (err) {
      $('source-note').textContent = `Could not list executions: ${err.message}`;
    }
  }

  function renderList() {
    const statusFilter = $('status-filter').value;
    const nameFilter = $('name-filter').value.trim().toLowerCase();
    const tbody = $('executions').querySelector('tbody');
    const rows = document.createDocumentFragment();
    const shown = state.executions.filter(
      (execution) => (!statusFilter || execution.status === statusFilter) && (!nameFilter || execution.name.toLowerCase().includes(nameFilter)),
    );
    for (const execution of shown) {
      const duration = execution.startedAt !== undefined ? (execution.endedAt ?? Date.now()) - execution.startedAt : undefined;
      const tr = el('tr', { data: { arn: execution.arn, status: execution.status }, className: execution.arn === state.selectedArn ? 'selected' : '' }, [
        el('td', { text: execution.name, title: execution.arn }),
        el('td', { text: execution.status, className: `status status-${execution.status}` }),
        el('td', { text: execution.startedAt !== undefined ? new Date(execution.startedAt).toISOString().slice(11, 23) : '' }),
        el('td', { text: execution.endedAt !== undefined ? formatDuration(duration) : '' }),
        el('td', { text: (execution.functionArn || '').split(':function:').pop() || '', title: execution.functionArn || '' }),
      ]);
      tr.addEventListener('click', () => select(execution.arn));
      rows.appendChild(tr);
    }
    tbody.replaceChildren(rows);
    $('list-empty').hidden = shown.length > 0;
    const sources = new Set(state.executions.map((execution) => execution.source));
    const virtual = state.executions.some((execution) => execution.virtualClock);
    $('source-note').textContent = `${state.executions.length} execution(s) from ${[...sources].join(', ') || 'nowhere yet'}${virtual ? ' · virtual clock' : ''}`;
  }

  // ── one execution ─────────────────────────────────────────────────────────
  async function select(arn) {
    state.selectedArn = arn;
    state.selectedRowId = undefined;
    $('details').hidden = true;
    document.querySelector('.layout').classList.remove('with-details');
    renderList();
    await refreshTimeline();
  }

  async function refreshTimeline() {
    clearTimeout(state.pollTimer);
    const arn = state.selectedArn;
    if (!arn) return;
    try {
      const model = await getJson(`/api/timeline?arn=${encodeURIComponent(arn)}`);
      if (arn !== state.selectedArn) return;
      state.model = model;
      renderTimeline();
      if (OPEN_STATUSES.has(model.execution.status)) state.pollTimer = setTimeout(refreshTimeline, TIMELINE_POLL_MS);
    } catch (err) {
      $('timeline-header').replaceChildren(el('p', { className: 'error-text', text: `Could not read the execution: ${err.message}` }));
    }
  }

  function renderTimeline() {
    const model = state.model;
    const started = performance.now();
    const execution = model.execution;
    const span = Math.max(1, model.endedAt - model.startedAt);
    const pct = (at) => `${(((at - model.startedAt) / span) * 100).toFixed(4)}%`;
    const width = (from, to) => `${Math.max(0, ((to - from) / span) * 100).toFixed(4)}%`;

    $('timeline-header').replaceChildren(
      el('h2', {}, [el('span', { text: execution.name }), el('span', { text: `  ${execution.status}`, className: `status status-${execution.status}` })]),
      el('p', {
        className: 'note',
        text: `${model.rows.length} operations · ${model.invocations.length} invocations · ${model.eventCount} events · duration ${formatDuration(
          model.endedAt - model.startedAt,
        )}`,
      }),
    );
    $('controls').hidden = false;
    $('clock-note').textContent = execution.virtualClock ? 'Times are the local service’s virtual clock: durable waits took no real time.' : '';

    const fragment = document.createDocumentFragment();
    // The time axis.
    const axisTrack = el('div', { className: 'track' });
    for (let i = 0; i <= 4; i += 1) {
      const at = model.startedAt + (span * i) / 4;
      axisTrack.appendChild(el('span', { className: 'tick', text: formatTime(at), style: { left: pct(at) } }));
    }
    fragment.appendChild(el('div', { className: 'row axis' }, [el('div', { className: 'label note', text: 'time' }), axisTrack]));
    // The invocations, as bands.
    const bandTrack = el('div', { className: 'track' });
    model.invocations.forEach((invocation, index) => {
      bandTrack.appendChild(
        el('div', {
          className: `band${invocation.error ? ' error' : ''}`,
          title: `invocation ${index + 1}: ${formatTime(invocation.startedAt)} – ${formatTime(invocation.endedAt)}${invocation.error ? ` · ${invocation.error.ErrorType}: ${invocation.error.ErrorMessage}` : ''}`,
          style: { left: pct(invocation.startedAt), width: width(invocation.startedAt, invocation.endedAt) },
          data: { invocation: index + 1 },
        }),
      );
    });
    fragment.appendChild(el('div', { className: 'row bands' }, [el('div', { className: 'label note', text: `invocations (${model.invocations.length})` }), bandTrack]));

    for (const row of model.rows) fragment.appendChild(renderRow(row, pct, width));
    const timeline = $('timeline');
    timeline.replaceChildren(fragment);
    timeline.dataset.rows = String(model.rows.length);
    timeline.dataset.arn = execution.arn;
    timeline.dataset.status = execution.status;
    timeline.dataset.renderMs = String(Math.round(performance.now() - started));
    if (state.selectedRowId) {
      const selected = model.rows.find((row) => row.id === state.selectedRowId);
      if (selected) showDetails(selected);
    }
  }

  function renderRow(row, pct, width) {
    const model = state.model;
    const end = row.endedAt ?? model.endedAt;
    const kind = row.subType || row.type;
    const label = el('div', { className: 'label', style: { paddingLeft: `${row.depth * 14}px` }, title: `${kind} ${row.name ?? row.id}` }, [
      el('span', { className: 'kind', text: kind }),
      el('span', { className: 'name', text: row.name ?? `(${row.id.slice(0, 8)})` }),
      row.attempts.length > 1 ? el('span', { className: 'badge', text: `${row.attempts.length} attempts` }) : null,
      row.maxRunning !== undefined ? el('span', { className: 'badge', text: `max running ${row.maxRunning}` }) : null,
      row.abandoned ? el('span', { className: 'badge', text: 'not finished' }) : null,
    ]);
    const track = el('div', { className: 'track' });
    track.appendChild(
      el('div', {
        className: `bar ${row.status}${row.abandoned ? ' abandoned' : ''}`,
        style: { left: pct(row.startedAt), width: width(row.startedAt, end) },
        title: `${row.status}${row.abandoned ? ' (started, not finished)' : ''} · ${formatTime(row.startedAt)} – ${row.endedAt !== undefined ? formatTime(row.endedAt) : '…'}`,
      }),
    );
    for (const stretch of row.spans) {
      track.appendChild(
        el('div', {
          className: `span ${stretch.kind}`,
          style: { left: pct(stretch.startedAt), width: width(stretch.startedAt, stretch.endedAt) },
          data: { span: stretch.kind },
        }),
      );
    }
    for (const attempt of row.attempts) {
      if (attempt.endedAt === undefined || attempt.outcome === 'succeeded') continue;
      track.appendChild(
        el('div', {
          className: `mark ${attempt.outcome}`,
          style: { left: pct(attempt.endedAt) },
          title: `attempt ${attempt.number} ${attempt.outcome === 'retrying' ? `failed, retry in ${attempt.nextAttemptDelaySeconds} s` : attempt.outcome}`,
          data: { attempt: attempt.number },
        }),
      );
    }
    if (row.concurrency && row.concurrency.length > 0) track.appendChild(concurrencyCurve(row, pct));
    const node = el(
      'div',
      {
        className: `row${row.id === state.selectedRowId ? ' selected' : ''}${row.concurrency ? ' batch' : ''}`,
        data: {
          opId: row.id,
          name: row.name,
          type: row.type,
          subType: row.subType,
          status: row.status,
          abandoned: row.abandoned ? 'true' : 'false',
          depth: row.depth,
          maxRunning: row.maxRunning,
        },
      },
      [label, track],
    );
    node.addEventListener('click', () => {
      state.selectedRowId = row.id;
      for (const other of document.querySelectorAll('.row.selected')) other.classList.remove('selected');
      node.classList.add('selected');
      showDetails(row);
    });
    return node;
  }

  /** The number of a batch's branches running over time, as a step line over the batch's bar. */
  function concurrencyCurve(row, pct) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'concurrency');
    svg.setAttribute('viewBox', '0 0 100 18');
    svg.setAttribute('preserveAspectRatio', 'none');
    const max = Math.max(1, row.maxRunning || 1);
    const y = (running) => (18 - (running / max) * 16).toFixed(2);
    const x = (at) => parseFloat(pct(at)).toFixed(4);
    const points = [];
    let previous = 0;
    for (const point of row.concurrency) {
      points.push(`${x(point.at)},${y(previous)}`, `${x(point.at)},${y(point.running)}`);
      previous = point.running;
    }
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
    const title = document.createElementNS(ns, 'title');
    title.textContent = `branches running over time (at most ${row.maxRunning})`;
    svg.appendChild(title);
    return svg;
  }

  function showDetails(row) {
    const pane = $('details');
    const facts = [
      ['Type', row.subType ? `${row.type} · ${row.subType}` : row.type],
      ['Name', row.name ?? '(none)'],
      ['Id', row.id],
      ['Parent', row.parentId ?? '(root)'],
      ['Status', row.abandoned ? `${row.status} (not finished when the execution ended)` : row.status],
      ['Started', formatTime(row.startedAt)],
      ['Ended', row.endedAt !== undefined ? formatTime(row.endedAt) : '—'],
      ['Duration', row.endedAt !== undefined ? formatDuration(row.endedAt - row.startedAt) : '—'],
    ];
    if (row.callbackId) facts.push(['Callback id', row.callbackId]);
    if (row.maxRunning !== undefined) facts.push(['Max running', String(row.maxRunning)]);
    const dl = el('dl');
    for (const [term, value] of facts) dl.append(el('dt', { text: term }), el('dd', { text: value }));
    const children = [el('h3', { text: row.name ?? row.id }), dl];
    if (row.attempts.length > 0) {
      const list = el('ol', { className: 'attempts' });
      for (const attempt of row.attempts) {
        const what =
          attempt.outcome === 'retrying'
            ? `failed, retried after ${attempt.nextAttemptDelaySeconds} s`
            : attempt.outcome === 'running'
              ? 'running'
              : attempt.outcome;
        const error = attempt.error ? ` · ${attempt.error.ErrorType ?? 'Error'}: ${attempt.error.ErrorMessage ?? ''}` : '';
        list.appendChild(el('li', { text: `attempt ${attempt.number}: ${formatTime(attempt.startedAt)} – ${formatTime(attempt.endedAt)} · ${what}${error}` }));
      }
      children.push(el('h4', { text: 'Attempts' }), list);
    }
    if (row.input !== undefined) children.push(el('h4', { text: 'Input' }), el('pre', { className: 'payload input', text: prettyPayload(row.input) }));
    if (row.result !== undefined) children.push(el('h4', { text: 'Result' }), el('pre', { className: 'payload result', text: prettyPayload(row.result) }));
    if (row.error) {
      const error = row.error;
      const text = [`${error.ErrorType ?? 'Error'}: ${error.ErrorMessage ?? ''}`, error.ErrorData ? `data: ${prettyPayload(error.ErrorData)}` : '', ...(error.StackTrace ?? [])]
        .filter(Boolean)
        .join('\n');
      children.push(el('h4', { text: 'Error' }), el('pre', { className: 'payload error error-text', text }));
    }
    pane.replaceChildren(...children);
    pane.hidden = false;
    document.querySelector('.layout').classList.add('with-details');
  }

  // ── wiring ────────────────────────────────────────────────────────────────
  $('status-filter').addEventListener('change', renderList);
  $('name-filter').addEventListener('input', renderList);
  for (const radio of document.querySelectorAll('input[name="time-mode"]')) {
    radio.addEventListener('change', () => {
      state.timeMode = radio.value;
      if (state.model) renderTimeline();
    });
  }
  const initial = new URLSearchParams(location.search).get('arn');
  void refreshList().then(() => {
    if (initial) void select(initial);
  });
  setInterval(refreshList, LIST_POLL_MS);
})();
