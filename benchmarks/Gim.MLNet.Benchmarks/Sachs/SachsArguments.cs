using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Peers;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Sachs;

/// <summary>Command-line arguments of `sachs`, with the GIM overrides used to choose its Sachs settings.</summary>
internal sealed class SachsArguments
{
    public const string Usage =
        "usage: sachs [--seeds 0 1 2 3 4] [--out DIR] [--methods M,M,...] [--graph-threshold 0.3] [--loco-seeds 3]\n" +
        "             methods: " + "control, training-mean, linear-features, nearest-context, mean-shift, conditional-gaussian, two-stage,\n" +
        "                      gim-linear (default: all)\n" +
        "             GIM overrides: [--lambda-t X] [--control-target-weight X] [--steps N] [--lr X] [--free-phase X] [--lambda-b X]\n" +
        "                            [--warm-start] (start gim-linear from the two-stage solution)";

    public List<int> Seeds { get; } = new();
    public List<string> Methods { get; } = new();
    public string OutputDirectory { get; private set; } = "sachs-results";
    public double GraphThreshold { get; private set; } = SachsTasks.DefaultGraphThreshold;
    /// <summary>
    /// The leave-one-condition-out check runs on the first this many seeds: it refits every method 8 times per seed
    /// (about 85 s a seed here against 10 s for the three tasks), and as a sanity check it needs fewer repeats.
    /// </summary>
    public int LeaveOneConditionOutSeeds { get; private set; } = 3;
    public bool Help { get; private set; }
    public bool WarmStart { get; private set; }
    public string CommandLine { get; private set; } = "";
    private double? _lambdaT, _lr, _controlTargetWeight, _freePhase, _lambdaB;
    private int? _steps;

    /// <summary>GIM's options on Sachs: <see cref="SachsTasks.GimOptions"/> unless overridden on the command line.</summary>
    public GimOptions GimOptions(int seed)
    {
        GimOptions o = SachsTasks.GimOptions(seed);
        if (_lambdaT is double t) o.TargetSparsity = t;
        if (_controlTargetWeight is double c) o.ControlTargetWeight = c;
        if (_steps is int s) o.MaxSteps = s;
        if (_lr is double lr) o.LearningRate = lr;
        if (_freePhase is double f) o.FreePhase = f;
        if (_lambdaB is double b) o.GraphSparsity = b;
        if (WarmStart) o.WarmStart = new TwoStageWarmStart();
        return o;
    }

    public static SachsArguments Parse(string[] args, IReadOnlyList<string> knownMethods)
    {
        var a = new SachsArguments { CommandLine = "sachs " + string.Join(' ', args) };
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            double Number() => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                ? v : throw new ArgumentException($"{arg} expects a number, got '{args[i]}'");
            switch (arg)
            {
                case "--help" or "-h": a.Help = true; break;
                case "--seeds":
                    while (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)) { a.Seeds.Add(seed); i++; }
                    if (a.Seeds.Count == 0) throw new ArgumentException("--seeds needs at least one integer");
                    break;
                case "--methods":
                    foreach (string m in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        a.Methods.Add(knownMethods.Contains(m) ? m : throw new ArgumentException($"unknown method '{m}'; known: {string.Join(", ", knownMethods)}"));
                    break;
                case "--out": a.OutputDirectory = Next(); break;
                case "--graph-threshold": a.GraphThreshold = Number(); break;
                case "--loco-seeds": a.LeaveOneConditionOutSeeds = (int)Number(); break;
                case "--lambda-t": a._lambdaT = Number(); break;
                case "--control-target-weight": a._controlTargetWeight = Number(); break;
                case "--lr": a._lr = Number(); break;
                case "--lambda-b": a._lambdaB = Number(); break;
                case "--free-phase":
                    a._freePhase = Number();
                    if (!(a._freePhase >= 0 && a._freePhase < 1)) throw new ArgumentException($"--free-phase expects a share of the steps in [0, 1), got '{args[i]}'");
                    break;
                case "--warm-start": a.WarmStart = true; break;
                case "--steps": a._steps = (int)Number(); break;
                default: throw new ArgumentException($"unknown argument '{arg}'");
            }
        }
        if (a.Seeds.Count == 0) a.Seeds.AddRange(new[] { 0, 1, 2, 3, 4 });
        if (a.Methods.Count == 0) a.Methods.AddRange(knownMethods);
        return a;
    }
}
