using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gim.MLNet.Tests.MLNet;
using Gim.MLNet.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet.Tests.Serving;

/// <summary>
/// The web service (ML.NET, ONNX Runtime and ASP.NET Core only) hosted in process on a model saved by the samples
/// app: valid requests get the in-process predictions, invalid ones a 400 naming the field, and 16 concurrent clients
/// get identical answers with no errors.
/// </summary>
[NonParallelizable]
public class WebServiceTests
{
    /// <summary>Property names as written (the rows' fields are the pipeline's column names).</summary>
    private static readonly JsonSerializerOptions AsWritten = new();

    private string _folder = "";
    private string _samplesModel = "";
    private string _rawInputModel = "";

    [OneTimeSetUp]
    public void SaveModels()
    {
        _folder = Directory.CreateTempSubdirectory("gim-web-").FullName;
        var (exitCode, output) = SamplesApp.Run(TimeSpan.FromMinutes(5), "--quick", "--out", Path.Combine(_folder, "run"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        _samplesModel = Path.Combine(_folder, "run", "gim-pipeline.zip");

        // A pipeline with featurizers: raw Reagent (text) and Dose (float) in, one-hot and concatenation before GIM.
        var mlContext = new MLContext(seed: 2);
        IDataView cells = mlContext.Data.LoadFromEnumerable(TinyLinearScm.Cells(cellsPerContext: 60));
        var pipeline = mlContext.Transforms.Categorical.OneHotEncoding("ReagentOneHot", "Reagent")
            .Append(mlContext.Transforms.Concatenate("Features", "ReagentOneHot", "Dose"))
            .Append(mlContext.Perturbation().Trainers.Gim(GimTestData.Options(steps: 100)));
        var model = pipeline.Fit(cells);
        _rawInputModel = Path.Combine(_folder, "raw.zip");
        mlContext.Model.SaveAtomically(model, cells.Schema, _rawInputModel);
        model.LastTransformer.Dispose();
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_folder, recursive: true);

    private static WebApplicationFactory<Program> Host(string model, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("model", model);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        });

    private static float[][] Features(int rows, int width, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, width).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
    }

    private static float[][] Read(JsonElement predictions, string field) =>
        predictions.EnumerateArray().Select(p => p.GetProperty(field).Deserialize<float[]>()!).ToArray();

    [Test]
    public async Task Predict_GivesTheInProcessPredictions()
    {
        using var factory = Host(_samplesModel);
        using HttpClient client = factory.CreateClient();
        float[][] features = Features(rows: 5, width: 67, seed: 1);

        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { features, samples = 3 });
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        JsonElement body = JsonDocument.Parse(text).RootElement;

        var mlContext = new MLContext();
        ITransformer loaded = mlContext.Model.LoadModel(_samplesModel, out _);
        using var lifetime = loaded as IDisposable;
        IDataView predicted = loaded.Transform(mlContext.Data.LoadFromEnumerable(features.Select(f => new FeatureRow { Features = f })));
        JsonElement predictions = body.GetProperty("predictions");
        Assert.That(body.GetProperty("variables").Deserialize<string[]>(), Has.Length.EqualTo(10));
        Assert.That(Read(predictions, "mean"), Is.EqualTo(predicted.GetColumn<float[]>("PredictedMean").ToArray()), "means");
        Assert.That(Read(predictions, "targetProbabilities"), Is.EqualTo(predicted.GetColumn<float[]>("TargetProbabilities").ToArray()), "target probabilities");
        Assert.That(Read(predictions, "shift"), Is.EqualTo(predicted.GetColumn<float[]>("Shift").ToArray()), "shifts");
        Assert.That(Read(predictions, "meanSd"), Is.EqualTo(predicted.GetColumn<float[]>("PredictedMeanSd").ToArray()), "standard deviations of the means");
        foreach (JsonElement row in predictions.EnumerateArray())
        {
            float[][] samples = row.GetProperty("samples").Deserialize<float[][]>()!;
            Assert.That(samples, Has.Length.EqualTo(3));
            Assert.That(samples.All(s => s.Length == 10 && s.All(float.IsFinite)));
            Assert.That(samples[0], Is.Not.EqualTo(samples[1]), "each sample is a fresh draw");
        }
    }

    private sealed class FeatureRow
    {
        [VectorType(67)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    [Test]
    public async Task Predict_TakesNamedRawInputs_ThroughThePipelinesFeaturizers()
    {
        using var factory = Host(_rawInputModel);
        using HttpClient client = factory.CreateClient();
        var rows = PipelineDocsExampleTests.Queries.Select(q => new { q.Reagent, q.Dose }).ToArray();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { rows }, AsWritten);
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        JsonElement predictions = JsonDocument.Parse(text).RootElement.GetProperty("predictions");
        Assert.That(predictions.EnumerateArray().First().TryGetProperty("samples", out _), Is.False, "no samples unless asked for");

        var mlContext = new MLContext();
        ITransformer loaded = mlContext.Model.LoadModel(_rawInputModel, out _);
        using var lifetime = loaded as IDisposable;
        IDataView predicted = loaded.Transform(mlContext.Data.LoadFromEnumerable(PipelineDocsExampleTests.Queries));
        Assert.That(Read(predictions, "mean"), Is.EqualTo(predicted.GetColumn<float[]>("PredictedMean").ToArray()));
        Assert.That(Read(predictions, "shift"), Is.EqualTo(predicted.GetColumn<float[]>("Shift").ToArray()));

        JsonElement described = JsonDocument.Parse(await client.GetStringAsync("/model")).RootElement;
        Assert.That(described.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()),
            Is.EqualTo(new[] { "Reagent", "Dose" }), "only the inputs the featurizers need: not Measurements, Context or IsControl");
        // The measurements column had no slot names, so the variables got the library's default names.
        Assert.That(described.GetProperty("variables").Deserialize<string[]>(), Is.EqualTo(new[] { "x0", "x1", "x2", "x3", "x4" }));
        Assert.That(described.GetProperty("requestForms").Deserialize<string[]>(), Is.EqualTo(new[] { "rows" }));
        Assert.That(described.GetProperty("explanation").GetBoolean(), Is.True);
        Assert.That(await client.GetStringAsync("/health"), Is.EqualTo("Healthy"));
    }

    [TestCase("""{"rows":[{"Reagent":"r1"}]}""", "rows[0].Dose", "missing; expected Single")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":"two"}]}""", "rows[0].Dose", "expected a number; got the string \"two\"")]
    [TestCase("""{"rows":[{"Reagent":3,"Dose":1}]}""", "rows[0].Reagent", "expected a string; got the number 3")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1,"Dos":2}]}""", "rows[0].Dos", "unknown input")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1e300}]}""", "rows[0].Dose", "finite number")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1}],"samples":5000}""", "samples", "from 0 to 1000")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1}],"samples":1.5}""", "samples", "whole number")]
    [TestCase("""{"rows":[]}""", "rows", "expected 1 to 1000 rows; got 0")]
    [TestCase("""{"rows":{}}""", "rows", "expected an array; got an object")]
    [TestCase("""{"features":[[1,2,3]]}""", "features", "this model takes named inputs")]
    [TestCase("""{"samples":2}""", "rows", "missing: give \"rows\"")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1}],"extra":1}""", "extra", "unknown field")]
    [TestCase("""[1,2]""", "$", "expected a JSON object")]
    [TestCase("""{"rows":[{"Reagent":"r1","Dose":1}""", "body", "not valid JSON")]
    public async Task Predict_RefusesBadRequests_NamingTheField(string body, string field, string message)
    {
        using var factory = Host(_rawInputModel);
        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage response = await client.PostAsync("/predict", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        JsonElement errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out JsonElement messages), Is.True, $"errors name '{field}': {text}");
        Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Has.Some.Contains(message), text);
    }

    [Test]
    public async Task Predict_RefusesInputsThatOverflowTheModel_NamingTheRowAndVariable()
    {
        using var factory = Host(_samplesModel);
        using HttpClient client = factory.CreateClient();
        float[][] features = { Features(1, 67, seed: 3)[0], Enumerable.Repeat(3e38f, 67).ToArray() };
        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { features, samples = 2 });
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        JsonElement errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(e => e.Name), Is.EqualTo(new[] { "features[1]" }), "only the overflowing row is at fault");
        // The samples app's pipeline normalises the features first: 3e38 becomes Infinity there.
        Assert.That(errors.GetProperty("features[1]")[0].GetString(), Does.Contain("'Features' is Infinity at slot 0 after the pipeline's featurizers"));

        // Without a normaliser the features stay finite and the model's own arithmetic overflows.
        using var raw = Host(_rawInputModel);
        using HttpClient rawClient = raw.CreateClient();
        var rows = new[] { new { Reagent = "r1", Dose = 1f }, new { Reagent = "r2", Dose = 3e38f } };
        using HttpResponseMessage overflow = await rawClient.PostAsJsonAsync("/predict", new { rows, samples = 1 }, AsWritten);
        string rawText = await overflow.Content.ReadAsStringAsync();
        Assert.That(overflow.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), rawText);
        JsonElement rawErrors = JsonDocument.Parse(rawText).RootElement.GetProperty("errors");
        Assert.That(rawErrors.EnumerateObject().Select(e => e.Name), Is.EqualTo(new[] { "rows[1]" }));
        Assert.That(rawErrors.GetProperty("rows[1]")[0].GetString(), Does.Contain("of variable 'x").And.Contain("outside the training range"));
    }

    [Test]
    public async Task EachRowsSamples_ComeFromThatRowsDistribution()
    {
        using var factory = Host(_rawInputModel);
        using HttpClient client = factory.CreateClient();
        var rows = new[] { new { Reagent = "r0", Dose = 4f }, new { Reagent = "r4", Dose = 4f } };
        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { rows, samples = 400 }, AsWritten);
        JsonElement predictions = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions");
        float[][] means = Read(predictions, "mean");
        double[][] sampleMeans = predictions.EnumerateArray().Select(p =>
        {
            float[][] samples = p.GetProperty("samples").Deserialize<float[][]>()!;
            return Enumerable.Range(0, samples[0].Length).Select(j => samples.Average(s => (double)s[j])).ToArray();
        }).ToArray();
        double Distance(double[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
        TestContext.Out.WriteLine($"row 0: {Distance(sampleMeans[0], means[0]):F3} from its mean, {Distance(sampleMeans[0], means[1]):F3} from the other's; row 1: {Distance(sampleMeans[1], means[1]):F3} / {Distance(sampleMeans[1], means[0]):F3}");
        for (int r = 0; r < 2; r++)
            Assert.That(Distance(sampleMeans[r], means[r]), Is.LessThan(Distance(sampleMeans[r], means[1 - r]) / 3), $"row {r}'s samples centre on its own mean");
    }

    [Test]
    public async Task ACounterfactualModel_TakesControlCells_AndOneSamplePerRow()
    {
        using var factory = Host(FixtureFiles.Model("gim-counterfactual.zip"));
        using HttpClient client = factory.CreateClient();
        JsonElement described = JsonDocument.Parse(await client.GetStringAsync("/model")).RootElement;
        Assert.That(described.GetProperty("counterfactual").GetBoolean(), Is.True);
        Assert.That(described.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "Features", "Measurements" }));

        var rng = new Random(5);
        var rows = Enumerable.Range(0, 3).Select(_ => new CounterfactualRow
        {
            Features = Enumerable.Range(0, 67).Select(_ => (float)rng.NextDouble()).ToArray(),
            Measurements = Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray(),
        }).ToArray();
        using HttpResponseMessage many = await client.PostAsJsonAsync("/predict", new { rows, samples = 2 }, AsWritten);
        Assert.That(many.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await many.Content.ReadAsStringAsync(), Does.Contain("counterfactual model"));

        using HttpResponseMessage one = await client.PostAsJsonAsync("/predict", new { rows, samples = 1 }, AsWritten);
        string text = await one.Content.ReadAsStringAsync();
        Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        JsonElement predictions = JsonDocument.Parse(text).RootElement.GetProperty("predictions");
        var mlContext = new MLContext();
        ITransformer loaded = mlContext.Model.LoadModel(FixtureFiles.Model("gim-counterfactual.zip"), out _);
        using var lifetime = loaded as IDisposable;
        IDataView predicted = loaded.Transform(mlContext.Data.LoadFromEnumerable(rows));
        Assert.That(predictions.EnumerateArray().Select(p => p.GetProperty("samples")[0].Deserialize<float[]>()!),
            Is.EqualTo(predicted.GetColumn<float[]>("Sample").ToArray()), "each control cell under the perturbation, as in process");
    }

    private sealed class CounterfactualRow
    {
        [VectorType(67)] public float[] Features { get; set; } = Array.Empty<float>();
        [VectorType(8)] public float[] Measurements { get; set; } = Array.Empty<float>();
    }

    [Test]
    public async Task APeer_IsServedWithoutTargetProbabilities()
    {
        using var factory = Host(FixtureFiles.Model("control.zip"));
        using HttpClient client = factory.CreateClient();
        float[][] features = Features(rows: 2, width: 67, seed: 4);
        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { features });
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        JsonElement predictions = JsonDocument.Parse(text).RootElement.GetProperty("predictions");
        Assert.That(predictions[0].TryGetProperty("targetProbabilities", out _), Is.False);
        Assert.That(predictions[0].TryGetProperty("meanSd", out _), Is.False, "a peer has no standard deviation of its means");
        var mlContext = new MLContext();
        ITransformer loaded = mlContext.Model.LoadModel(FixtureFiles.Model("control.zip"), out _);
        using var lifetime = loaded as IDisposable;
        IDataView predicted = loaded.Transform(mlContext.Data.LoadFromEnumerable(features.Select(f => new FeatureRow { Features = f })));
        Assert.That(Read(predictions, "mean"), Is.EqualTo(predicted.GetColumn<float[]>("PredictedMean").ToArray()));
        JsonElement described = JsonDocument.Parse(await client.GetStringAsync("/model")).RootElement;
        Assert.That(described.GetProperty("outputs").Deserialize<string[]>(), Is.EqualTo(new[] { "mean", "shift", "samples" }));
        Assert.That(described.GetProperty("explanation").GetBoolean(), Is.False);
    }

    [Test]
    public async Task UnknownRoutes_AnswerWithAProblemDocument()
    {
        using var factory = Host(_rawInputModel);
        using HttpClient client = factory.CreateClient();
        using HttpResponseMessage wrongMethod = await client.GetAsync("/predict");
        Assert.That(wrongMethod.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(await wrongMethod.Content.ReadAsStringAsync(), Does.Contain("405"));
        using HttpResponseMessage missing = await client.GetAsync("/nothing-here");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await missing.Content.ReadAsStringAsync(), Does.Contain("404"));
    }

    [Test]
    public async Task Predict_RefusesTooManyRowsAndTooLargeBodies()
    {
        using var factory = Host(_rawInputModel, ("MaxRows", "3"), ("MaxRequestBytes", "2000"), ("MaxPredictedCells", "20"));
        using HttpClient client = factory.CreateClient();
        var row = new { Reagent = "r1", Dose = 1f };

        using HttpResponseMessage tooMany = await client.PostAsJsonAsync("/predict", new { rows = new[] { row, row, row, row } }, AsWritten);
        Assert.That(tooMany.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await tooMany.Content.ReadAsStringAsync(), Does.Contain("expected 1 to 3 rows; got 4"));

        using HttpResponseMessage tooManyCells = await client.PostAsJsonAsync("/predict", new { rows = new[] { row, row }, samples = 11 }, AsWritten);
        Assert.That(await tooManyCells.Content.ReadAsStringAsync(), Does.Contain("exceeds the limit of 20 predicted cells"));

        string big = "{\"rows\":[" + string.Join(",", Enumerable.Repeat("{\"Reagent\":\"r1\",\"Dose\":1}", 100)) + "]}";
        using HttpResponseMessage tooLarge = await client.PostAsync("/predict", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await tooLarge.Content.ReadAsStringAsync(), Does.Contain("2000 bytes"));

        // Without a Content-Length (chunked), the handler counts as it reads.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = chunked };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage tooLargeChunked = await client.SendAsync(chunkedRequest);
        Assert.That(tooLargeChunked.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

        using HttpResponseMessage fine = await client.PostAsJsonAsync("/predict", new { rows = new[] { row, row }, samples = 10 }, AsWritten);
        Assert.That(fine.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a request within every limit is served");
    }

    [Test]
    public void AModelThatCannotBeServed_StopsTheStart_NamingTheFile()
    {
        string junk = Path.Combine(_folder, "junk.zip");
        File.WriteAllText(junk, "not a zip");
        string missing = Path.Combine(_folder, "missing.zip");
        string notGim = Path.Combine(_folder, "concat.zip");
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable(new[] { new FeatureRow { Features = new float[67] } });
        mlContext.Model.Save(mlContext.Transforms.Concatenate("Out", "Features").Fit(data), data.Schema, notGim);

        foreach (var (args, expected) in new[]
        {
            (new[] { "--model", junk }, $"error: {junk}: not a loadable ML.NET model"),
            (new[] { "--model", missing }, $"error: {missing}: no such model file"),
            (new[] { "--model", notGim }, $"error: {notGim}: the pipeline's last step is ColumnConcatenatingTransformer"),
            (new[] { "--urls", "http://127.0.0.1:0" }, "error: no model: start the service with --model"),
            (new[] { "--model", _rawInputModel, "--MaxRows", "lots" }, "error: --MaxRows: 'lots' is not a whole number"),
            (new[] { "--model", _rawInputModel, "--MaxPredictedValues", "0" }, "error: --MaxPredictedValues: '0' is not a whole number between 1"),
        })
        {
            var (exitCode, _, error) = ServingProcess.Run(TimeSpan.FromMinutes(1), args.Append("--urls").Append("http://127.0.0.1:0").ToArray());
            Assert.That(exitCode, Is.EqualTo(1), string.Join(" ", args));
            Assert.That(error.Trim(), Does.StartWith(expected), string.Join(" ", args));
        }
    }

    [Test]
    public void TheModel_CanComeFromTheEnvironment_AndTheOldConsoleCallSaysWhatChanged()
    {
        using Process server = ServingProcess.Start(new Dictionary<string, string> { ["model"] = _rawInputModel }, "--urls", "http://127.0.0.1:0");
        try
        {
            var clock = Stopwatch.StartNew();
            string? line;
            bool listening = false;
            while (!listening && clock.Elapsed < TimeSpan.FromSeconds(60) && (line = server.StandardOutput.ReadLine()) is not null)
                listening = line.Contains("Now listening on", StringComparison.Ordinal);
            Assert.That(listening, Is.True, "model=<path> in the environment starts the service, as in a container");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }

        var (exitCode, _, error) = ServingProcess.Run(TimeSpan.FromMinutes(1), _rawInputModel, "input.csv");
        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain($"--model {_rawInputModel}").And.Contain("score"));
    }

    /// <summary>
    /// 16 concurrent clients for a bounded time (3 s, at most 60 requests each): zero errors, and every answer's means,
    /// target probabilities and shifts identical to the answer the same request got alone.
    /// </summary>
    [Test]
    public async Task SixteenConcurrentClients_GetIdenticalAnswers_WithoutErrors()
    {
        using var factory = Host(_samplesModel);
        float[][][] requests = Enumerable.Range(0, 4).Select(k => Features(rows: 8, width: 67, seed: 10 + k)).ToArray();
        using HttpClient first = factory.CreateClient();
        string[] alone = new string[requests.Length];
        for (int k = 0; k < requests.Length; k++) alone[k] = Deterministic(await Post(first, requests[k]));

        var failures = new ConcurrentBag<string>();
        int served = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async c =>
        {
            using HttpClient client = factory.CreateClient();
            for (int i = 0; i < 60 && clock.Elapsed < TimeSpan.FromSeconds(3); i++)
            {
                int k = (c + i) % requests.Length;
                try
                {
                    string answer = Deterministic(await Post(client, requests[k]));
                    if (answer != alone[k]) failures.Add($"client {c}, request {i}: answer differs from the one given alone");
                    Interlocked.Increment(ref served);
                }
                catch (Exception e)
                {
                    failures.Add($"client {c}, request {i}: {e.Message}");
                }
            }
        }));
        TestContext.Out.WriteLine($"{served} requests in {clock.Elapsed.TotalSeconds:F1} s from 16 clients");
        Assert.That(failures, Is.Empty);
        Assert.That(served, Is.GreaterThanOrEqualTo(16), "every client was served at least once");
    }

    private static async Task<JsonElement> Post(HttpClient client, float[][] features)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync("/predict", new { features, samples = 4 });
        string text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The answer without its samples (random draws from the shared session's stream differ by design).</summary>
    private static string Deterministic(JsonElement answer) => string.Join("|", answer.GetProperty("predictions").EnumerateArray().Select(p =>
        $"{p.GetProperty("mean").GetRawText()};{p.GetProperty("targetProbabilities").GetRawText()};{p.GetProperty("shift").GetRawText()}"));

    [Test]
    public void TheServingAssembly_ReferencesNeitherGimMLNetNorTorchSharp()
    {
        string[] references = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.That(references, Has.None.StartsWith("Gim.MLNet").And.None.StartsWith("TorchSharp"));
        Assert.That(references, Has.Some.StartsWith("Microsoft.ML").And.Some.StartsWith("Microsoft.AspNetCore"));
        Assert.That(typeof(Program).Assembly.GetName().Name, Is.EqualTo("Gim.MLNet.Serving"));
    }
}
