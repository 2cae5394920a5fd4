using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gim.MLNet.Serving.Web;

/// <summary>
/// The web service: one saved pipeline (--model), loaded and checked at start-up, shared by every request.
/// <list type="bullet">
/// <item>POST /predict — rows (or feature vectors) and a number of samples; per row the predicted means, target
/// probabilities (GIM), shifts, and drawn cells, with the variable names. Bad requests get 400 with the field named.</item>
/// <item>GET /model — inputs, outputs, variable and feature names, limits.</item>
/// <item>GET /health — "Healthy" once the model is loaded.</item>
/// </list>
/// </summary>
internal static class ServingApp
{
    /// <summary>camelCase fields; a row's samples (none asked for) and target probabilities (a peer) are left out rather than null.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // One line per start and per failure, not four per request.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(services => ServingLimits.From(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(services => ServedModel.Load(services.GetRequiredService<IConfiguration>()["model"]));
        builder.Services.AddHostedService<ModelCheck>();
        builder.Services.AddHealthChecks().AddCheck<ModelHealth>("model");
        builder.Services.AddProblemDetails();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = ServingLimits.From(context.Configuration).MaxRequestBytes);

        WebApplication app = builder.Build();
        // Unknown routes and wrong methods answer with a problem document too, not an empty body.
        app.UseStatusCodePages();
        app.MapPost("/predict", Predict);
        app.MapGet("/model", (ServedModel model, ServingLimits limits) => Results.Json(Describe(model, limits), Json));
        app.MapHealthChecks("/health");
        return app;
    }

    private static async Task<IResult> Predict(HttpRequest request, ServedModel model, ServingLimits limits, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        // The body is read up to the limit whatever the server (Kestrel enforces it too; the in-process test server does not).
        if (request.ContentLength > limits.MaxRequestBytes) return TooLarge(limits);
        using var body = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = await request.Body.ReadAsync(chunk, cancellation)) > 0;)
        {
            if (body.Length + read > limits.MaxRequestBytes) return TooLarge(limits);
            body.Write(chunk, 0, read);
        }
        body.Position = 0;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            errors["body"] = new[] { $"not valid JSON: {e.Message}" };
            return Results.ValidationProblem(errors);
        }
        using (document)
        {
            PredictRequest? parsed = PredictRequest.Parse(document.RootElement, model, limits, errors);
            if (parsed is null) return Results.ValidationProblem(errors);
            RowPrediction[]? predictions = model.Predict(parsed.Rows, parsed.Samples, parsed.Field, errors);
            if (predictions is null) return Results.ValidationProblem(errors);
            return Results.Json(new PredictResponse(model.VariableNames, predictions), Json);
        }
    }

    private static IResult TooLarge(ServingLimits limits) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"The body exceeds {limits.MaxRequestBytes} bytes (--MaxRequestBytes); send fewer rows per request.");

    private static object Describe(ServedModel model, ServingLimits limits) => new
    {
        model = Path.GetFileName(model.Path),
        producer = model.Producer,
        description = model.Description,
        variables = model.VariableNames,
        features = model.FeatureNames,
        inputs = model.Inputs.Select(i => new { name = i.Name, type = i.Description }),
        requestForms = PredictRequest.FeaturesForm(model) ? new[] { "rows", "features" } : new[] { "rows" },
        outputs = (model.HasTargets ? new[] { "mean", "targetProbabilities", "shift", "samples" } : new[] { "mean", "shift", "samples" })
            .Concat(model.HasMeanSd ? new[] { "meanSd" } : Array.Empty<string>()),
        explanation = model.HasExplanation,
        counterfactual = model.IsCounterfactual,
        limits = new { limits.MaxRequestBytes, limits.MaxRows, limits.MaxSamples, limits.MaxPredictedCells, limits.MaxPredictedValues },
    };

    /// <summary>The POST /predict answer: the variables once, then one entry per request row, in order.</summary>
    private sealed record PredictResponse(IReadOnlyList<string> Variables, IReadOnlyList<RowPrediction> Predictions);

    /// <summary>Loads the model while the host starts, so a bad --model stops the service before it listens.</summary>
    private sealed class ModelCheck(IServiceProvider services, ILogger<ModelCheck> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            ServedModel model = services.GetRequiredService<ServedModel>();
            log.LogInformation("Serving {Model} ({Description}): {Variables} variables, inputs {Inputs}.", model.Path, model.Description,
                model.VariableNames.Count, string.Join(", ", model.Inputs.Select(i => $"{i.Name} ({i.Description})")));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ModelHealth(ServedModel model) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy($"{Path.GetFileName(model.Path)} loaded"));
    }
}
