#!/usr/bin/env python3
"""Turn hmcos_run result lines (key=value ...) into the README tables."""
import sys


def kib(b):
    v = int(b) / 1024
    return '%d' % v if v == int(v) else '%.1f' % v


def main(path):
    rows = [dict(kv.split('=', 1) for kv in l.split()) for l in open(path) if l.strip()]
    by = {}
    for r in rows:
        by.setdefault(r['model'], {})[r.get('inplace', '1')] = r
    hdr = ('| model | ops | program order | RPO | HMCOS | HMCOS/RPO | HMCOS time s '
           '| HMCOS RSS MiB |')
    sep = '|---|--:|--:|--:|--:|--:|--:|--:|'

    def table(mode, title, extra=None):
        print(title)
        print()
        print(hdr[:-1] + ('| %s |' % extra[0] if extra else '|'))
        print(sep + ('--:|' if extra else ''))
        for name, d in by.items():
            r = d.get(mode)
            if r is None:
                continue
            if 'failed' in r:
                print('| %s | failed (%s) |' % (name, r['failed']))
                continue
            rss = int(r.get('maxrss_kb', 0)) / 1024
            line = '| %s | %s | %s | %s | %s | %.3f | %.3f | %.0f |' % (
                name, r['ops'], kib(r['prog_peak']), kib(r['rpo_peak']),
                kib(r['hmcos_peak']), int(r['hmcos_peak']) / int(r['rpo_peak']),
                float(r['hmcos_ms']) / 1000, rss)
            if extra:
                line += ' %s |' % extra[1](d)
            print(line)
        print()

    table('1', 'Peak KiB under HMCOS\'s own memory model (in-place element-wise ops):')
    table('0', 'Peak KiB under plain liveness (hmcos_run --no-inplace, memopt\'s model):',
          ('HMCOS in-place schedule, plain KiB',
           lambda d: kib(d['1']['hmcos_noinpl']) if '1' in d and 'failed' not in d['1'] else '-'))


if __name__ == '__main__':
    main(sys.argv[1])
