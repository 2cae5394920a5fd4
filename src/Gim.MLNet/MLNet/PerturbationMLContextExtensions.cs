using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>The <c>mlContext.Perturbation()</c> entry point.</summary>
public static class PerturbationMLContextExtensions
{
    /// <summary>Perturbation-modelling trainers and evaluation, in the style of <c>mlContext.Regression</c>.</summary>
    /// <param name="mlContext">The ML.NET context; its log and seed are used by the components.</param>
    public static PerturbationCatalog Perturbation(this MLContext mlContext) => new(mlContext);
}
