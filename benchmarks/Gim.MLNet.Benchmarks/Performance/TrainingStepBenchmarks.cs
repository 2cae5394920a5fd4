using BenchmarkDotNet.Attributes;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// BenchmarkDotNet: a whole default GIM fit on the Hill screen, full batch (moments) and with
/// mini-batches of cells. Run: `dotnet run -c Release --project benchmarks/Gim.MLNet.Benchmarks -- --filter *TrainingStep*`.
/// </summary>
// In process: the benchmark then runs on this build's output, whose libLibTorchSharp.so carries the
// GLIBCXX fix; a separately generated BenchmarkDotNet project would not load TorchSharp's native library.
[InProcess]
[WarmupCount(1)]
[IterationCount(5)]
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private PerturbationDataset _train = null!;

    /// <summary>Generates the default screen once.</summary>
    [GlobalSetup]
    public void Setup() => _train = HillScreen.Generate(new HillScreenOptions { Seed = 0 }).Train.Data;

    /// <summary>The default fit: 2,000 full-batch steps on per-context moments.</summary>
    [Benchmark(Baseline = true)]
    public void FitDefaults() => new GimTrainer(new GimOptions()).Fit(_train).Dispose();

    /// <summary>The same number of steps on mini-batches of 32 contexts × 64 cells.</summary>
    [Benchmark]
    public void FitCellMiniBatches() =>
        new GimTrainer(new GimOptions { ContextBatchSize = 32, CellBatchSize = 64 }).Fit(_train).Dispose();
}
