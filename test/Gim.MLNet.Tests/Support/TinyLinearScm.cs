using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// A small hand-made linear SCM (d = 5: chain 0→1→2 and 3→4) with reagents that each shift one
/// variable by an amount proportional to the dose: enough structure for a model trained in a few
/// hundred steps to have non-trivial targets, shifts and graph.
/// </summary>
internal static class TinyLinearScm
{
    public const int Variables = 5;
    public static readonly string[] VariableNames = { "g0", "g1", "g2", "g3", "g4" };
    public static readonly string[] Reagents = { "none", "r0", "r1", "r2", "r3", "r4" };

    /// <summary>One row per cell, as an ML.NET user would have it.</summary>
    public sealed class Cell
    {
        public string Context { get; set; } = "";
        public string Reagent { get; set; } = "";
        public float Dose { get; set; }
        public bool IsControl { get; set; }
        [VectorType(Variables)]
        public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    public static List<Cell> Cells(int cellsPerContext = 150, int seed = 1)
    {
        var rng = new Random(seed);
        var cells = new List<Cell>();
        foreach (string reagent in Reagents)
            foreach (float dose in reagent == "none" ? new[] { 0f } : new[] { 1f, 2f })
            {
                int target = reagent == "none" ? -1 : reagent[1] - '0';
                for (int i = 0; i < cellsPerContext; i++)
                    cells.Add(new Cell
                    {
                        Context = reagent == "none" ? "control" : $"{reagent}@{dose}",
                        Reagent = reagent,
                        Dose = dose,
                        IsControl = reagent == "none",
                        Measurements = Draw(rng, target, 1.5 * dose),
                    });
            }
        return cells;
    }

    /// <summary>x0 = 1 + e; x1 = 0.8 x0 + e; x2 = −0.6 x1 + e; x3 = e; x4 = 0.7 x3 + e, shift on the target.</summary>
    public static float[] Draw(Random rng, int target, double shift)
    {
        var x = new double[Variables];
        double S(int j) => j == target ? shift : 0.0;
        x[0] = 1 + S(0) + Normal(rng);
        x[1] = 0.8 * x[0] + S(1) + 0.5 * Normal(rng);
        x[2] = -0.6 * x[1] + S(2) + 0.5 * Normal(rng);
        x[3] = 2 + S(3) + Normal(rng);
        x[4] = 0.7 * x[3] + S(4) + 0.5 * Normal(rng);
        return x.Select(v => (float)v).ToArray();
    }

    /// <summary>The same data as a PerturbationDataset with features [one-hot reagent (5), dose].</summary>
    public static PerturbationDataset Dataset(int cellsPerContext = 150, int seed = 1)
    {
        var contexts = Cells(cellsPerContext, seed).GroupBy(c => c.Context).Select(g =>
        {
            Cell first = g.First();
            var samples = new float[g.Count(), Variables];
            int i = 0;
            foreach (Cell cell in g)
            {
                for (int j = 0; j < Variables; j++) samples[i, j] = cell.Measurements[j];
                i++;
            }
            return new PerturbationContext(g.Key, Features(first.Reagent, first.Dose), samples, first.IsControl);
        }).ToList();
        return new PerturbationDataset(contexts, VariableNames);
    }

    public static float[] Features(string reagent, float dose)
    {
        var f = new float[Reagents.Length];
        int index = Array.IndexOf(Reagents, reagent);
        if (index > 0) f[index - 1] = 1;
        f[^1] = dose;
        return f;
    }

    public static GimOptions Options(InterventionKind kind = InterventionKind.Shift, int depth = 0, int steps = 300) => new()
    {
        Interventions = kind,
        EncoderDepth = depth,
        EncoderWidth = 8,
        MaxSteps = steps,
        EvaluateEvery = 100,
        LearningRate = 0.05,
        Seed = 3,
        // The engine's tests check training and export as such; calibration has its own (NoveltyCalibrationTests).
        CalibrationFolds = 0,
    };

    public static GimModel Train(InterventionKind kind = InterventionKind.Shift, int depth = 0, int steps = 300) =>
        new GimTrainer(Options(kind, depth, steps)).Fit(Dataset());

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
