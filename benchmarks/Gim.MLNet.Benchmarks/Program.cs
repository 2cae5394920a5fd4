using BenchmarkDotNet.Running;
using Gim.MLNet.Benchmarks.Compare;

namespace Gim.MLNet.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        // `compare ...` runs the side-by-side comparison on the Hill screen; anything else goes to BenchmarkDotNet.
        if (args.Length > 0 && args[0] == "compare")
            return CompareCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "peer-sweep")
            return PeerSweepCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "fit-time")
            return Performance.FitTimeCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "scale")
            return Performance.ScaleCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "statistics-scale")
            return Performance.StatisticsScaleCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "inference")
            return Performance.InferenceCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "serve-load")
            return Performance.ServeLoadCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "sachs") return Sachs.SachsCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "sciplex-like") return SingleCell.SciplexLikeCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "perturbseq") return Genetic.PerturbSeqCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "perturbseq-scale") return Genetic.PerturbSeqScaleCommand.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
