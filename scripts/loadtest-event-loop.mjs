/**
 * Preloaded into the load test's instances (`node --import`): each second, the longest event-loop
 * stall of that second, as a JSON line beside the app's log. On a machine whose cores are taken by
 * other work, requests are slow because the instance gets no CPU, not because of the database; the
 * load test reports these stalls so that a run on an overloaded machine reads as such.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
setInterval(() => {
  const line = { msg: 'loadtest: event loop', time: Date.now(), max_ms: Math.round(histogram.max / 1e6) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  histogram.reset();
}, 1000).unref();
