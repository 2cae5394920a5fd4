using System.Diagnostics;
using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Parquet;
using Parquet.Schema;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `statistics-scale`: issue 21's first bar, statistics + fit from a one-row-per-cell Parquet file of N cells × d genes ×
/// K contexts. Phases, each in its own process so that each peak (VmHWM) is its own:
/// <c>--phase write</c> writes the file (a random sparse linear SCM per context, shifts on 1–3 targets, row groups of
/// 10,000 cells); <c>--phase statistics</c> streams it into statistics (TableStatistics) and writes them;
/// <c>--phase fit</c> fits GIM from them for <c>--steps</c> steps (default 5; <c>--graph-rank R</c> for a factored graph,
/// <see cref="GimOptions.GraphRank"/>) and reports the time per step. With <c>--knockdowns</c> (0.16.0) the screen is a
/// CRISPR screen instead: context k &gt; 0 is labelled with the gene it knocks down, g(k−1) (its level scaled by 0.3, its
/// downstream genes' means moved), read as a combination label (an indicator feature named like the gene), so the
/// statistics keep each context's target row and the fit is a known-knockdown GIM.
/// </summary>
internal static class StatisticsScaleCommand
{
    public static int Run(string[] args)
    {
        int cells = Args.Int(args, "--cells", 1_000_000), genes = Args.Int(args, "--genes", 2000), contexts = Args.Int(args, "--contexts", 1000);
        int steps = Args.Int(args, "--steps", 5), folds = Args.Int(args, "--calibration-folds", 3), rank = Args.Int(args, "--graph-rank", 0);
        string folder = Args.String(args, "--folder") ?? Path.Combine(Path.GetTempPath(), "gim-statistics-scale");
        string phase = Args.String(args, "--phase") ?? "all";
        bool knockdowns = args.Contains("--knockdowns");
        Directory.CreateDirectory(folder);
        string parquet = Path.Combine(folder, "cells.parquet"), statistics = Path.Combine(folder, "statistics");
        var clock = Stopwatch.StartNew();
        switch (phase)
        {
            case "write":
                Write(parquet, cells, genes, contexts, knockdowns);
                Console.WriteLine($"wrote {cells:N0} cells × {genes:N0} genes × {contexts:N0} contexts to {parquet} ({new FileInfo(parquet).Length / 1e9:F2} GB) in {clock.Elapsed.TotalSeconds:F1} s; peak {PeakMemory.Bytes() / 1e9:F2} GB");
                return 0;
            case "statistics":
            {
                ScreenDesign design = knockdowns
                    ? new ScreenDesign("context", "control") { Combinations = new CombinationLabels() }
                    : new ScreenDesign("context", "control") { FeatureColumns = new[] { "f1", "f2", "f3", "f4" } };
                PerturbationStatistics s = TableStatistics.Compute(parquet, design);
                double read = clock.Elapsed.TotalSeconds;
                s.Write(statistics);
                Console.WriteLine($"statistics of {s.CellCount:N0} cells, {s.Contexts.Count:N0} contexts, {s.VariableNames.Count:N0} genes, " +
                    $"{s.Contexts.Sum(c => c.Moments.CovarianceRows.Count):N0} target rows: {read:F1} s to stream, {clock.Elapsed.TotalSeconds - read:F1} s to write; peak {PeakMemory.Bytes() / 1e9:F2} GB");
                return 0;
            }
            case "fit":
            {
                PerturbationDataset data = PerturbationStatistics.Read(statistics).ToDataset();
                double read = clock.Elapsed.TotalSeconds;
                var options = new GimOptions { Seed = 0, MaxSteps = steps, CalibrationFolds = knockdowns ? 0 : folds, GraphRank = rank,
                    KnownTargets = knockdowns ? KnownTargetKind.Knockdown : KnownTargetKind.None };
                using GimModel model = new GimTrainer(options).Fit(data);
                Console.WriteLine($"read {read:F1} s; fit {steps} steps in {model.FitTime.TotalSeconds:F1} s ({(knockdowns ? "known knockdowns, " : "")}calibration folds " +
                    $"{options.CalibrationFolds}, graph rank {rank}); peak {PeakMemory.Bytes() / 1e9:F2} GB");
                return 0;
            }
            default:
                Console.Error.WriteLine("statistics-scale --phase write|statistics|fit [--cells N --genes D --contexts K --steps S --calibration-folds F --graph-rank R --folder DIR --knockdowns]; run the phases one after another (each with --knockdowns or none).");
                return 2;
        }
    }

    /// <summary>
    /// A file of <paramref name="cells"/> rows: context, f1..f4 (the context's features), g0..g(d−1) (float32); with
    /// <paramref name="knockdowns"/>: context (the knocked-down gene's name, or control) and the genes.
    /// </summary>
    private static void Write(string path, int cells, int genes, int contexts, bool knockdowns)
    {
        if (knockdowns && contexts - 1 > genes) throw new ArgumentException($"--knockdowns: {contexts - 1} knockdowns need as many genes; there are {genes}.");
        var random = new Random(0);
        // Per context: four features; its mean is a linear function of them on 1–3 genes (and zero elsewhere) plus noise.
        var features = new float[contexts][];
        var means = new float[contexts][];
        var loading = new float[4, genes];
        for (int q = 0; q < 4; q++)
            for (int j = 0; j < genes; j++) loading[q, j] = random.NextDouble() < 0.01 ? (float)(random.NextDouble() * 2 - 1) : 0;
        for (int k = 0; k < contexts; k++)
        {
            features[k] = k == 0 ? new float[4] : Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble()).ToArray();
            means[k] = new float[genes];
            for (int j = 0; j < genes; j++)
                for (int q = 0; q < 4; q++) means[k][j] += features[k][q] * loading[q, j] * 3;
        }
        // Knockdowns: every gene at level 3 in the controls; context k knocks down g(k−1) to 0.3 of it, and its loading row's
        // genes (about 1%) move by the lost amount times the loading.
        if (knockdowns)
            for (int k = 0; k < contexts; k++)
            {
                Array.Fill(means[k], 3f);
                if (k == 0) continue;
                int target = k - 1;
                means[k][target] = 0.9f;
                for (int j = 0; j < genes; j++)
                    if (j != target) means[k][j] -= 2.1f * loading[target % 4, j];
            }
        var fields = new List<DataField> { new DataField<string>("context") };
        int featureColumns = knockdowns ? 0 : 4;
        fields.AddRange(Enumerable.Range(1, featureColumns).Select(q => (DataField)new DataField<float>($"f{q}")));
        fields.AddRange(Enumerable.Range(0, genes).Select(j => (DataField)new DataField<float>($"g{j}")));
        const int group = 10_000;
        Task.Run(async () =>
        {
            await using FileStream stream = File.Create(path);
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            for (int start = 0; start < cells; start += group)
            {
                int count = Math.Min(group, cells - start);
                int[] context = Enumerable.Range(start, count).Select(i => (int)((long)i * contexts / cells)).ToArray();
                using ParquetRowGroupWriter rows = writer.CreateRowGroup();
                await rows.WriteAsync(fields[0], context.Select(k => k == 0 ? "control" : (knockdowns ? "g" + (k - 1).ToString(CultureInfo.InvariantCulture) : "c" + k.ToString(CultureInfo.InvariantCulture))).ToArray());
                for (int q = 0; q < featureColumns; q++) await rows.WriteAsync<float>(fields[1 + q], context.Select(k => features[k][q]).ToArray());
                var column = new float[count];
                for (int j = 0; j < genes; j++)
                {
                    for (int i = 0; i < count; i++)
                        column[i] = means[context[i]][j] + (knockdowns && context[i] == j + 1 ? 0.3f : 1f) * (float)Gaussian(random);
                    await rows.WriteAsync<float>(fields[1 + featureColumns + j], column);
                }
            }
        }).GetAwaiter().GetResult();
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
