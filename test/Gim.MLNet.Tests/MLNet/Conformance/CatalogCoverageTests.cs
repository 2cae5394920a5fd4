using System.Reflection;
using Gim.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gim.MLNet.Tests.MLNet.Conformance;

/// <summary>The conformance suite runs against every estimator the catalog offers: a new trainer must join the list.</summary>
public class CatalogCoverageTests
{
    [Test]
    public void EveryCatalogEstimator_IsInTheConformanceList()
    {
        var offered = typeof(PerturbationTrainers).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.ReturnType)
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEstimator<>)))
            .Distinct();
        Assert.That(ConformanceEstimators.All.Select(e => e.EstimatorType), Is.EquivalentTo(offered));
    }
}
