namespace Gim.MLNet.Causal;

/// <summary>
/// The known targets of a GIM fitted with <see cref="GimOptions.KnownTargets"/> (docs/method.md, "Known targets"): variable j
/// is declared a target by a row whose raw feature <see cref="FeatureOfVariable"/>[j] is 1 (above ½), with strength
/// r_j = <see cref="Weight"/>_j·z + <see cref="Bias"/>_j (z the standardised features) when <see cref="Seen"/>[j], else
/// <see cref="Typical"/>; the <see cref="Kind"/> says what a declared target's mechanism becomes.
/// </summary>
public sealed class KnownTargetParameters
{
    /// <summary>The kind of intervention on declared targets (not None).</summary>
    public required KnownTargetKind Kind { get; init; }

    /// <summary>For each of the d variables, the index of its 0/1 indicator feature, or −1 when it has none.</summary>
    public required int[] FeatureOfVariable { get; init; }

    /// <summary>For each variable, whether a training context declared it (it then has a strength of its own).</summary>
    public required bool[] Seen { get; init; }

    /// <summary>r̄, the strength of a variable never declared in training.</summary>
    public required float Typical { get; init; }

    /// <summary>W, d × p.</summary>
    public required float[,] Weight { get; init; }

    /// <summary>u, d.</summary>
    public required float[] Bias { get; init; }

    /// <summary>Throws through <paramref name="check"/> when the shapes do not fit d variables and p features.</summary>
    internal void Validate(int variables, int features, Action<bool, string> check)
    {
        check(Kind is KnownTargetKind.Shift or KnownTargetKind.Knockdown or KnownTargetKind.Hard, $"KnownTargets.Kind {Kind} must be Shift, Knockdown or Hard");
        check(FeatureOfVariable is not null && FeatureOfVariable.Length == variables && FeatureOfVariable.All(q => q >= -1 && q < features),
            "KnownTargets.FeatureOfVariable must have d entries, each −1 or a feature index");
        check(Seen is not null && Seen.Length == variables, "KnownTargets.Seen must have d entries");
        check(Weight is not null && Weight.GetLength(0) == variables && Weight.GetLength(1) == features, "KnownTargets.Weight must be d × p");
        check(Bias is not null && Bias.Length == variables, "KnownTargets.Bias must have d entries");
        check(float.IsFinite(Typical) && Weight is not null && Bias is not null && Weight.Cast<float>().Concat(Bias).All(float.IsFinite),
            "the known targets' strengths must be finite");
    }
}
