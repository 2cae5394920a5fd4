using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `scale`: time per training step against the number of variables and of cells, the growth exponents,
/// and one full mini-batch fit of the largest problem with its wall time and peak memory.
/// </summary>
internal static class ScaleCommand
{
    public static int Run(string[] args)
    {
        int[] dims = Args.Ints(args, "--variables", new[] { 20, 100, 500, 1000 });
        int contexts = Args.Int(args, "--contexts", 200), cells = Args.Int(args, "--cells", 100_000);
        int steps = Args.Int(args, "--steps", 20);
        int fullSteps = Args.Int(args, "--full-fit-steps", 2000);
        int contextBatch = Args.Int(args, "--context-batch", 32), cellBatch = Args.Int(args, "--cell-batch", 64);
        Console.WriteLine($"Mini-batches: {contextBatch} contexts × {cellBatch} cells per step; {Environment.ProcessorCount} cores.");

        // Peak memory is process-wide, so `--full-fit-only` measures the big fit alone (the sweeps leave garbage behind).
        if (!args.Contains("--full-fit-only"))
        {
            SweepVariables(dims, contexts, cells, steps, contextBatch, cellBatch);
            if (!args.Contains("--no-cell-sweep"))
                SweepCells(Args.Ints(args, "--cell-counts", new[] { 10_000, 30_000, 100_000 }), Args.Int(args, "--cells-variables", 100),
                    contexts, steps, contextBatch, cellBatch);
        }
        if (fullSteps > 0)
            FullFit(dims.Max(), contexts, cells, fullSteps, contextBatch, cellBatch);
        return 0;
    }

    private static void SweepVariables(int[] dims, int contexts, int cells, int steps, int contextBatch, int cellBatch)
    {
        Console.WriteLine("time per step against d (contexts = {0}, cells = {1}):", contexts, cells);
        var perD = new List<(double D, double Ms)>();
        foreach (int d in dims)
        {
            PerturbationDataset data = ScaleData.Generate(d, contexts, cells, seed: 0);
            double ms = StepMilliseconds(data, MiniBatch(contextBatch, cellBatch), steps);
            perD.Add((d, ms));
            Console.WriteLine($"  d = {d,5}: {ms,9:F2} ms/step (cell mini-batches)");
        }
        PrintExponents("d", perD);
    }

    private static void SweepCells(int[] cellCounts, int d, int contexts, int steps, int contextBatch, int cellBatch)
    {
        Console.WriteLine($"time per step and setup against the number of cells (d = {d}, contexts = {contexts}):");
        var perCellsMini = new List<(double, double)>();
        var perCellsSetup = new List<(double, double)>();
        foreach (int n in cellCounts)
        {
            PerturbationDataset data = ScaleData.Generate(d, contexts, n, seed: 0);
            double mini = StepMilliseconds(data, MiniBatch(contextBatch, cellBatch), steps);
            var (fullStep, setup) = FullBatch(data, steps);
            perCellsMini.Add((n, mini));
            perCellsSetup.Add((n, setup));
            Console.WriteLine($"  cells = {n,7}: mini-batch {mini,8:F2} ms/step; full batch (moments) {fullStep,8:F2} ms/step after {setup * 1000,8:F0} ms setup");
        }
        PrintExponents("cells (mini-batch step)", perCellsMini);
        PrintExponents("cells (moment setup)", perCellsSetup);
    }

    private static void FullFit(int d, int contexts, int cells, int steps, int contextBatch, int cellBatch)
    {
        Console.WriteLine($"full fit: d = {d}, {contexts} contexts, {cells} cells, {steps} steps ...");
        PerturbationDataset big = ScaleData.Generate(d, contexts, cells, seed: 1);
        var options = MiniBatch(contextBatch, cellBatch);
        options.MaxSteps = steps;
        options.EvaluateEvery = Math.Max(1, steps / 10);
        var clock = Stopwatch.StartNew();
        var trainer = new GimTrainer(options) { Log = line => Console.WriteLine($"    {line} ({clock.Elapsed.TotalSeconds:F0} s)") };
        using (GimModel model = trainer.Fit(big))
            Console.WriteLine($"  fitted in {clock.Elapsed.TotalMinutes:F2} min; peak working set {PeakMemory.Bytes() / (1024.0 * 1024 * 1024):F2} GiB");
    }

    private static GimOptions MiniBatch(int contextBatch, int cellBatch) =>
        new() { ContextBatchSize = contextBatch, CellBatchSize = cellBatch, LearningRate = 0.005, Threads = Environment.ProcessorCount };

    private static double StepMilliseconds(PerturbationDataset data, GimOptions options, int steps)
    {
        // The trainer's own clock at every step (progress is reported synchronously on the training thread):
        // the steps after a short warm-up, without setup.
        const int warmUp = 3;
        var elapsed = new List<TimeSpan>();
        options.EvaluateEvery = 1;
        options.MaxSteps = warmUp + steps;
        options.Progress = new Recorder(elapsed);
        new GimTrainer(options).Fit(data).Dispose();
        return (elapsed[warmUp + steps - 1] - elapsed[warmUp - 1]).TotalMilliseconds / steps;
    }

    private sealed class Recorder(List<TimeSpan> elapsed) : IProgress<GimTrainingProgress>
    {
        public void Report(GimTrainingProgress value) => elapsed.Add(value.Elapsed);
    }

    private static (double StepMs, double SetupSeconds) FullBatch(PerturbationDataset data, int steps)
    {
        var options = new GimOptions { EvaluateEvery = 1_000_000, MaxSteps = 1, Threads = Environment.ProcessorCount };
        var clock = Stopwatch.StartNew();
        new GimTrainer(options).Fit(data).Dispose();
        double setup = clock.Elapsed.TotalSeconds;
        return (StepMilliseconds(data, new GimOptions { Threads = Environment.ProcessorCount }, steps), setup);
    }

    private static void PrintExponents(string what, IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return;
        var pieces = new List<string>();
        for (int i = 1; i < points.Count; i++)
            pieces.Add($"{points[i - 1].X:G}→{points[i].X:G}: {Math.Log(points[i].Y / points[i - 1].Y) / Math.Log(points[i].X / points[i - 1].X):F2}");
        double[] lx = points.Select(p => Math.Log(p.X)).ToArray(), ly = points.Select(p => Math.Log(p.Y)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double slope = lx.Zip(ly).Sum(t => (t.First - mx) * (t.Second - my)) / lx.Sum(x => (x - mx) * (x - mx));
        Console.WriteLine($"  growth exponent in {what}: {slope:F2} overall (least squares on log–log); piecewise {string.Join(", ", pieces)}");
    }
}
