using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Stage 1 of TwoStageCausal: one free intervention per training context, target logits a_k and shifts ψ_k
/// ([K, d] parameters), in place of GIM's encoder g_φ(γ_k).
/// </summary>
internal sealed class FreeInterventions : nn.Module
{
    public FreeInterventions(int contexts, int variables, double initialLogit) : base(nameof(FreeInterventions))
    {
        Logits = new Parameter(full(contexts, variables, initialLogit, dtype: ScalarType.Float32));
        Shift = new Parameter(zeros(contexts, variables, dtype: ScalarType.Float32));
        register_parameter("logits", Logits);
        register_parameter("shift", Shift);
    }

    public Parameter Logits { get; }

    public Parameter Shift { get; }
}
