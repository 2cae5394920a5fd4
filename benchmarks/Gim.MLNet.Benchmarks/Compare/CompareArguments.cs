using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>Command-line arguments of `compare`, including GIM option overrides used for sweeps.</summary>
internal sealed class CompareArguments
{
    public const string Usage =
        "usage: compare [--seeds 0 1 2 3 4] [--methods M,M,...] [--out DIR] [--sinkhorn]\n" +
        "               methods: " + "control, training-mean, linear-features, nearest-context, mean-shift, conditional-gaussian,\n" +
        "                        two-stage, gim-linear, gim-nonlinear (default: all of these);\n" +
        "                        experiment: gim-linear-cv (weight decay chosen by inner leave-groups-out CV; ~13 fits each)\n" +
        "                        on request: additive (a combination = control + its singles' effects; on the Hill screens,\n" +
        "                        whose contexts all have several active features, it predicts the control)\n" +
        "               [--graph-threshold 0.3] [--variables 20] [--nonlinear] [--cyclic]\n" +
        "               GIM overrides: [--lambda-t X] [--control-target-weight X] [--lambda-b X] [--initial-target-logit X] [--depth N] [--width N] [--lr X] [--steps N]\n" +
        "                              [--weight-decay X] [--draws N] [--straight-through] [--shift-scale]\n" +
        "                              [--calibration-folds N] (0 = off; default 3) [--calibration-step-fraction X] [--no-shift-sampling]\n" +
        "                              [--free-phase X] (share of the steps whose first half trains each context's intervention freely; 0 = off)\n" +
        "                              [--warm-start] (gim-linear: start from the two-stage solution; no dose path)\n" +
        "                              [--no-dose-feature] (the dose as a plain feature, as before 0.5.0; default: the screens'\n" +
        "                              'dose' feature drives GIM's saturating dose path, GimOptions.DoseFeature)\n" +
        "                              [--dose-curve-from-features] (K and n per drug from its features; default one shared curve)\n" +
        "               gim-nonlinear: [--no-linear-term] [--hidden-width N] [--cell-batch N] [--contraction X]\n" +
        "               [--log] (print GIM's training progress)\n" +
        "               [--identity-features] (experiment: every method's features gain a 0/1 indicator per training drug;\n" +
        "                              a new drug has none, a known drug at a new dose keeps its own)\n" +
        "       compare --panel [--families F,F,...] [--seeds ...] [--methods ...] --out DIR\n" +
        "               every method on every family of HillScreenPanel (default: all nine); gim-nonlinear, about 40 s a fit,\n" +
        "               runs on the nonlinear family only unless --methods names it. Writes DIR/<family>/results.csv|md,\n" +
        "               DIR/panel.csv (family,method,split,metric,mean,sd,n_seeds), DIR/paired.csv and DIR/summary.md";

    public List<int> Seeds { get; } = new();
    public List<string> Methods { get; } = new();
    public string OutputDirectory { get; private set; } = "compare-results";
    public bool Sinkhorn { get; private set; }
    public bool WarmStart { get; private set; }
    public bool Log { get; private set; }
    public bool IdentityFeatures { get; private set; }
    public bool Panel { get; private set; }
    public bool MethodsGiven { get; private set; }
    public List<string> Families { get; } = new();
    public bool Help { get; private set; }
    public double GraphThreshold { get; private set; } = 0.3;
    public string CommandLine { get; private set; } = "";
    private readonly Dictionary<string, string> _gim = new();
    private int _variables = 20;
    private bool _nonlinear, _cyclic;
    private bool _noDoseFeature;

    public HillScreenOptions Screen(int seed) => new()
    {
        Seed = seed,
        Variables = _variables,
        Mechanism = _nonlinear ? MechanismKind.Nonlinear : MechanismKind.Linear,
        Graph = _cyclic ? GraphKind.Cyclic : GraphKind.Dag,
    };

    public GimOptions GimOptions(int seed)
    {
        var o = new GimOptions { Seed = seed };
        foreach (var (key, value) in _gim)
        {
            double v = double.Parse(value, CultureInfo.InvariantCulture);
            switch (key)
            {
                case "lambda-t": o.TargetSparsity = v; break;
                case "lambda-b": o.GraphSparsity = v; break;
                case "initial-target-logit": o.InitialTargetLogit = v; break;
                case "depth": o.EncoderDepth = (int)v; break;
                case "width": o.EncoderWidth = (int)v; break;
                case "lr": o.LearningRate = v; break;
                case "steps": o.MaxSteps = (int)v; break;
                case "weight-decay": o.WeightDecay = v; break;
                case "draws": o.RelaxationDraws = (int)v; break;
                case "control-target-weight": o.ControlTargetWeight = v; break;
                case "calibration-folds": o.CalibrationFolds = (int)v; break;
                case "calibration-step-fraction": o.CalibrationStepFraction = v; break;
                case "free-phase": o.FreePhase = v; break;
            }
        }
        if (_gim.ContainsKey("straight-through")) o.StraightThrough = true;
        if (_gim.ContainsKey("shift-scale")) o.Interventions = InterventionKind.ShiftScale;
        if (_gim.ContainsKey("no-shift-sampling")) o.SampleShiftUncertainty = false;
        if (_gim.ContainsKey("no-linear-term")) o.Nonlinear.LinearTerm = false;
        if (_gim.TryGetValue("hidden-width", out string? width)) o.Nonlinear.HiddenWidth = int.Parse(width, CultureInfo.InvariantCulture);
        if (_gim.TryGetValue("cell-batch", out string? cells)) o.Nonlinear.CellBatchSize = int.Parse(cells, CultureInfo.InvariantCulture);
        if (_gim.TryGetValue("contraction", out string? kappa)) o.Nonlinear.ContractionFactor = double.Parse(kappa, CultureInfo.InvariantCulture);
        if (WarmStart) o.WarmStart = new TwoStageWarmStart();
        // The Hill screens' dose column, as a user names theirs; a two-stage warm start is linear in every feature.
        o.DoseFeature = _noDoseFeature || WarmStart ? null : "dose";
        if (_gim.ContainsKey("dose-curve-from-features")) o.DoseCurveFromFeatures = true;
        return o;
    }

    public static CompareArguments Parse(string[] args, IReadOnlyList<string> knownMethods, IReadOnlyList<string>? defaultMethods = null)
    {
        var a = new CompareArguments { CommandLine = "compare " + string.Join(' ', args) };
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "--help" or "-h": a.Help = true; break;
                case "--seeds":
                    while (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int s))
                    {
                        if (a.Seeds.Contains(s)) throw new ArgumentException($"--seeds lists {s} twice; each seed is one screen and counts once");
                        a.Seeds.Add(s);
                        i++;
                    }
                    if (a.Seeds.Count == 0) throw new ArgumentException("--seeds needs at least one integer");
                    break;
                case "--methods":
                    foreach (string m in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!knownMethods.Contains(m))
                            throw new ArgumentException($"unknown method '{m}'; known: {string.Join(", ", knownMethods)}");
                        if (a.Methods.Contains(m)) throw new ArgumentException($"--methods lists '{m}' twice");
                        a.Methods.Add(m);
                    }
                    break;
                case "--out": a.OutputDirectory = Next(); break;
                case "--sinkhorn": a.Sinkhorn = true; break;
                case "--graph-threshold": a.GraphThreshold = Number(arg, Next(), v => v >= 0, "a number ≥ 0"); break;
                case "--variables": a._variables = Whole(arg, Next(), 2); break;
                case "--nonlinear": a._nonlinear = true; break;
                case "--cyclic": a._cyclic = true; break;
                case "--straight-through": a._gim["straight-through"] = "1"; break;
                case "--shift-scale": a._gim["shift-scale"] = "1"; break;
                case "--no-linear-term": a._gim["no-linear-term"] = "1"; break;
                case "--no-shift-sampling": a._gim["no-shift-sampling"] = "1"; break;
                case "--warm-start": a.WarmStart = true; break;
                case "--no-dose-feature": a._noDoseFeature = true; break;
                case "--dose-curve-from-features": a._gim["dose-curve-from-features"] = "1"; break;
                case "--log": a.Log = true; break;
                case "--identity-features": a.IdentityFeatures = true; break;
                case "--panel": a.Panel = true; break;
                case "--families":
                    foreach (string family in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        a.Families.Add(HillScreenPanel.Family(family).Name); // an unknown name lists the known ones
                    break;
                case "--calibration-step-fraction":
                    string share = Next();
                    Number(arg, share, v => v > 0 && v <= 1, "a number in (0, 1]");
                    a._gim["calibration-step-fraction"] = share;
                    break;
                case "--calibration-folds":
                    string n = Next();
                    Whole(arg, n, 0);
                    a._gim[arg[2..]] = n;
                    break;
                case "--hidden-width" or "--cell-batch" or "--width" or "--steps" or "--draws":
                    string count = Next();
                    Whole(arg, count, 1);
                    a._gim[arg[2..]] = count;
                    break;
                case "--depth":
                    string depth = Next();
                    Whole(arg, depth, 0);
                    a._gim["depth"] = depth;
                    break;
                case "--contraction":
                    string factor = Next();
                    Number(arg, factor, f => f > 0 && f < 1, "a number in (0, 1)");
                    a._gim["contraction"] = factor;
                    break;
                case "--lambda-t" or "--lambda-b" or "--lr" or "--weight-decay" or "--control-target-weight":
                    string value = Next();
                    Number(arg, value, v => v >= 0, "a number ≥ 0");
                    a._gim[arg[2..]] = value;
                    break;
                case "--free-phase":
                    string freeShare = Next();
                    Number(arg, freeShare, f => f >= 0 && f < 1, "a share of the steps in [0, 1)");
                    a._gim["free-phase"] = freeShare;
                    break;
                case "--initial-target-logit":
                    string logit = Next();
                    Number(arg, logit, double.IsFinite, "a finite number");
                    a._gim["initial-target-logit"] = logit;
                    break;
                default: throw new ArgumentException($"unknown argument '{arg}'");
            }
        }
        if (a.Seeds.Count == 0) a.Seeds.AddRange(new[] { 0, 1, 2, 3, 4 });
        a.MethodsGiven = a.Methods.Count > 0;
        if (a.Families.Count > 0 && !a.Panel) throw new ArgumentException("--families goes with --panel");
        if (a.Panel && (a._nonlinear || a._cyclic || a._variables != 20))
            throw new ArgumentException("--panel draws each family's own screens; --nonlinear, --cyclic and --variables do not apply (choose families with --families)");
        if (a.Methods.Count == 0) a.Methods.AddRange(defaultMethods ?? knownMethods);
        // GIM's own checks, now rather than as a failed fit on every seed (e.g. --lr 0, --depth 0 with --warm-start).
        a.GimOptions(0).Validate();
        return a;
    }

    /// <summary>A whole number ≥ <paramref name="min"/> (no fractions, no overflow), or an error naming the flag.</summary>
    private static int Whole(string flag, string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n : throw new ArgumentException($"{flag} expects a whole number ≥ {min}, got '{text}'");

    /// <summary>A finite number meeting <paramref name="ok"/>, or an error naming the flag and what was expected.</summary>
    private static double Number(string flag, string text, Func<double, bool> ok, string expected) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && ok(v)
            ? v : throw new ArgumentException($"{flag} expects {expected}, got '{text}'");
}
