import { z } from 'zod';
import { formatBytes, formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LogModel } from '../../logs/model.js';
import { oneLine, queryLocation, settingSize } from '../../logs/rule-helpers.js';

const options = z.object({
  minBytes: z
    .number()
    .int()
    .min(0)
    .default(10 * 1024 * 1024)
    .describe('Report a query whose temporary files add up to this many bytes'),
  memoryPerDiskByte: z
    .number()
    .min(1)
    .default(4)
    .describe(
      'Memory a sort, hash or tuplestore needs per byte it wrote to disk (tuple headers and the sort array make it 3 to 4), for the suggested work_mem',
    ),
});

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/temp-files',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'A query wrote temporary files: its sorts or hashes do not fit in work_mem',
  reportsOn: ['query'],
  options,
  docs: {
    why: 'A sort, hash join or hash aggregate that needs more than work_mem writes its data to temporary files and reads it back: disk I/O in the middle of a query that could have run in memory, often several times slower. With log_temp_files = 0 the server logs every such file with the statement that wrote it; pgwarden adds them up per normalized query.',
    howToFix:
      'Give that query more memory: `SET LOCAL work_mem` in its transaction (or per role, `ALTER ROLE … SET work_mem`). The suggested value is the largest file × `memoryPerDiskByte` (4), rounded up to a power of two: in memory each row carries a tuple header and a slot in the sort array, 3 to 4 times its bytes in the file. Server-wide, work_mem applies to every sort and hash of every connection at once: raise it there only with the memory to back it. A query that sorts millions of rows may need an index that returns them in order instead. Applies to every supported PostgreSQL.',
  },
  check({ model, options, report }) {
    for (const q of model.queryStats) {
      if (q.tempFiles === 0 || q.tempBytes < options.minBytes) continue;
      const workMem = settingSize(Math.ceil((q.maxTempFileBytes * options.memoryPerDiskByte) / 1024), 4096);
      report({
        message: `"${oneLine(q.normalized, 100)}" wrote ${formatCount(q.tempFiles)} temporary file${q.tempFiles === 1 ? '' : 's'}, ${formatBytes(q.tempBytes)} in all (largest ${formatBytes(q.maxTempFileBytes)}): its sorts or hashes do not fit in work_mem; work_mem = ${workMem} keeps them in memory`,
        location: queryLocation(q.normalized),
        fix: `SET work_mem = '${workMem}';`,
        evidence: {
          fingerprint: q.fingerprint,
          tempFiles: q.tempFiles,
          tempBytes: q.tempBytes,
          maxTempFileBytes: q.maxTempFileBytes,
          calls: q.calls,
          suggestedWorkMem: workMem,
        },
      });
    }
  },
});
