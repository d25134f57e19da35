import cliProgress from 'cli-progress';

/**
 * A progress bar per phase on an interactive terminal; plain lines (one per
 * phase start and end) when the output is a file or CI log.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  const finish = () => {
    bar?.stop();
    bar = null;
  };
  return {
    update(nextPhase: string, done: number, total: number) {
      if (nextPhase !== phase) {
        finish();
        phase = nextPhase;
        if (stream.isTTY) {
          bar = new cliProgress.SingleBar(
            { format: `  ${phase.padEnd(14)} [{bar}] {percentage}% {value}/{total} eta {eta}s`, stream, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        } else {
          stream.write(`  ${phase}: ${total}\n`);
        }
      }
      bar?.update(done);
    },
    done: finish,
  };
}

export function peakRssMiB(): number {
  // maxRSS is in KiB on Linux.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
