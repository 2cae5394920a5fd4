using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Solves x = f(x) + c by the iteration x₀ = c, x_{k+1} = f(x_k) + c for a fixed number K of steps —
/// the same K the ONNX graph unrolls, so both return the same x_K — then checks convergence.
/// </summary>
/// <remarks>
/// f is a κ-contraction in a weighted max-norm (<see cref="NonlinearMechanisms"/>), so
/// ‖x_K − x*‖_w ≤ κ^K ‖f(c)‖_w / (1 − κ). The check evaluates the residual max|x_K − f(x_K) − c| (one more
/// step) and fails loudly when it exceeds the tolerance instead of returning a point that is not an
/// equilibrium.
/// </remarks>
internal static class NonlinearFixedPoint
{
    public static Tensor Solve(NonlinearMechanisms mechanisms, Tensor c, int iterations, double tolerance, out double residual)
    {
        ScaledWeights v = mechanisms.Scaled();
        Tensor x = c;
        for (int k = 0; k < iterations; k++)
            x = mechanisms.Forward(x, v) + c;
        residual = c.numel() == 0 ? 0.0 : (mechanisms.Forward(x, v) + c - x).abs().max().ToDouble();
        if (!(residual <= tolerance))
            throw new InvalidOperationException(
                $"The nonlinear SCM's fixed point did not converge: after {iterations} iterations the largest residual |x − f(x) − b − u| is {residual:G3} " +
                $"(tolerance {tolerance:G3}). Raise GimOptions.Nonlinear.FixedPointIterations or lower ContractionFactor.");
        return x;
    }
}
