using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>Creates the causal model that <see cref="GimOptions.CausalModel"/> asks for.</summary>
internal static class CausalModelFactory
{
    public static CausalModel Create(GimOptions options, int variables, ScalarType dtype, Device device) => options.CausalModel switch
    {
        CausalModelKind.Linear => new LinearCausalModel(variables, dtype, device, options.GraphRank),
        CausalModelKind.Nonlinear => new NonlinearCausalModel(variables, options.Nonlinear, dtype, device, options.SeedOrDefault),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.CausalModel, "Unknown GimOptions.CausalModel."),
    };
}
