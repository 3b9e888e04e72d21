using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MoralGraph.Core.Events;
using MoralGraph.Core.Export;
using MoralGraph.Web.Console;
using MoralGraph.Web.Participation;
using MoralGraph.Web.Tests.Access;

namespace MoralGraph.Web.Tests.Participation;

/// <summary>
/// After a withdrawal, nothing the app serves — pages, participant API, exports in every format for either profile,
/// the audit trail — holds the participant's words or ids, and no file the app keeps holds their words.
/// </summary>
public sealed class ErasureSweepTests : IAsyncLifetime
{
    private const string Slug = "erasure-sweep";
    private const string LeaverWord = "Quokkaleaver";
    private const string StayerWord = "Pangolinstayer";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] Formats = ["json", "graphml", "csv", "md", "mai"];
    private static readonly string[] Profiles = ["default", "mai-2023", "bridging"];

    private readonly string _folder = TestFolder.Create();
    private MoralGraphAppFactory _app = null!;

    // The audit page's words, in English here.
    private IStringLocalizer<ConsoleText> ConsoleText => _app.Services.GetRequiredService<IStringLocalizer<ConsoleText>>();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _app = new MoralGraphAppFactory(_folder).WithStudyFile("sweep.yaml", JourneyAppFixture.StudyYaml(Slug, "interviewing"));
        _client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task After_a_withdrawal_no_page_api_response_export_or_store_file_holds_the_participants_words_or_ids()
    {
        var leaver = await TakePartAsync(LeaverWord);
        var stayer = await TakePartAsync(StayerWord);
        var leaverCard = (await SendAsync<ParticipationResponse>(HttpMethod.Get, "me", leaver.Token)).CardId!;
        await RecordConsoleExportAsync();

        // Before: the sweep sees the leaver where the app shows participants, so its silence after means something.
        var before = await SweepAsync(stayer.Token);
        Assert.Contains(LeaverWord, before, StringComparison.Ordinal);
        Assert.Contains(leaver.ParticipantId, before, StringComparison.Ordinal);

        using (var withdrawn = await SendAsync(HttpMethod.Post, "withdraw", leaver.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        using (var me = await SendAsync(HttpMethod.Get, "me", leaver.Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
            var body = await me.Content.ReadAsStringAsync();
            Assert.DoesNotContain(leaver.ParticipantId, body, StringComparison.Ordinal);
        }

        var after = await SweepAsync(stayer.Token);
        Assert.DoesNotContain(LeaverWord, after, StringComparison.Ordinal);
        Assert.DoesNotContain(leaver.ParticipantId, after, StringComparison.Ordinal);
        Assert.DoesNotContain(leaverCard, after, StringComparison.Ordinal);
        Assert.Contains(StayerWord, after, StringComparison.Ordinal);
        Assert.Contains(ConsoleText["Audit.Withdrawn.Participant"].Value, after, StringComparison.Ordinal);

        // The export recorded from the console, which the exports page compares the next one with, keeps their value's id
        // (as the log does) but not its words.
        var latestExports = await _app.Services.GetRequiredService<StudyStates>().ReadAsync(Slug, state => JsonSerializer.Serialize(state.LatestExports.Values.ToList(), EventHashChain.JsonOptions));
        Assert.Contains(leaverCard, latestExports, StringComparison.Ordinal);
        Assert.DoesNotContain(LeaverWord, latestExports, StringComparison.Ordinal);

        // The app keeps its store, key file and snapshots in its folder; stopping it writes the last snapshots.
        Assert.True((await _app.Services.GetRequiredService<IEventLog>().VerifyAsync()).IsIntact);
        await _app.DisposeAsync();
        var holding = Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && Encoding.Latin1.GetString(ReadShared(f)).Contains(LeaverWord, StringComparison.Ordinal)).Select(f => Path.GetRelativePath(_folder, f)).ToList();
        Assert.Empty(holding);
    }

    [Fact]
    public async Task A_value_merged_into_a_withdrawn_participants_card_speaks_with_the_other_member_and_names_nobody()
    {
        var leaver = await TakePartAsync(LeaverWord);
        var stayer = await TakePartAsync(StayerWord);
        var leaverCard = (await SendAsync<ParticipationResponse>(HttpMethod.Get, "me", leaver.Token)).CardId!;
        var stayerCard = (await SendAsync<ParticipationResponse>(HttpMethod.Get, "me", stayer.Token)).CardId!;
        Assert.DoesNotContain(leaver.ParticipantId, leaverCard, StringComparison.Ordinal);

        // A facilitator merges the stayer's value into the leaver's: the value is the leaver's card, with two members.
        var states = _app.Services.GetRequiredService<StudyStates>();
        var (leaverValue, stayerValue) = await states.ReadAsync(Slug, state => (state.ValueOfCard(leaverCard)!, state.ValueOfCard(stayerCard)!));
        await states.AppendAsync(new ValuesMerged(stayerValue, leaverValue, "Same value in other words.") { StudyId = Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = AccessTestClients.OwnerName });

        using (var withdrawn = await SendAsync(HttpMethod.Post, "withdraw", leaver.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        var after = await SweepAsync(stayer.Token);
        Assert.Contains(StayerWord, after, StringComparison.Ordinal);
        Assert.DoesNotContain(LeaverWord, after, StringComparison.Ordinal);
        Assert.DoesNotContain(leaver.ParticipantId, after, StringComparison.Ordinal);
        Assert.Equal(leaverValue, await states.ReadAsync(Slug, state => state.ValueOfCard(stayerCard)));
    }

    /// <summary>What the exports page records when a facilitator downloads an export: every value's id and title.</summary>
    private async Task RecordConsoleExportAsync()
    {
        var states = _app.Services.GetRequiredService<StudyStates>();
        var snapshot = (await states.ReadAsync(Slug, state => state.ToSnapshot()))!;
        var spec = ExportFormats.Prepare(snapshot, ReconciliationProfiles.Find("default")!, DateTimeOffset.UtcNow).Spec;
        Assert.Contains(spec.Values, v => v.Title.Contains(LeaverWord, StringComparison.Ordinal));
        await states.AppendAsync(new ExportRecorded("json", ExportSummary.Of(spec)) { StudyId = Slug, OccurredAt = DateTimeOffset.UtcNow, Actor = AccessTestClients.OwnerName });
    }

    /// <summary>Joins, says something in the interview, saves a draft, confirms a card and votes with a comment, each with <paramref name="word"/>.</summary>
    private async Task<JoinResponse> TakePartAsync(string word)
    {
        using var response = await _client.PostAsJsonAsync(Url("join"), new JoinRequest(true, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>(Json))!;
        await SendAsync<InterviewReplyResponse>(HttpMethod.Post, "interview", joined.Token, new InterviewTurnRequest(null, null));
        await SendAsync<InterviewReplyResponse>(HttpMethod.Post, "interview", joined.Token, new InterviewTurnRequest($"My friend {word} lost her father.", "answer"));
        var card = new CardRequest($"Care before {word}", $"The AI first makes sure {word} is calm enough to think.", ["MOMENTS when panic is making the decision for her", $"SOURCES of support {word} can reach today", "WORDS that show she feels heard"]);
        using (var draft = await SendAsync(HttpMethod.Put, "card/draft", joined.Token, card))
        {
            Assert.True(draft.IsSuccessStatusCode, await draft.Content.ReadAsStringAsync());
        }

        await SendAsync<ParticipationResponse>(HttpMethod.Post, "card/confirm", joined.Token, card);
        var items = await SendAsync<ItemsResponse>(HttpMethod.Get, "items", joined.Token);
        foreach (var item in items.Items)
        {
            await SendAsync<VoteResponse>(HttpMethod.Post, $"items/{item.ItemId}/vote", joined.Token, new VoteRequest("wiser", $"Because {word} said so."));
        }

        return joined;
    }

    /// <summary>Everything a facilitator, an ML team and the staying participant can read, as one text.</summary>
    private async Task<string> SweepAsync(string stayerToken)
    {
        var all = new StringBuilder();
        using var owner = await _app.OwnerClientAsync();
        foreach (var page in new[] { "/", $"/s/{Slug}", "/console", $"/console/{Slug}", $"/console/{Slug}/moderation", $"/console/{Slug}/audit", $"/console/{Slug}/exports", $"/console/{Slug}/settings", "/api/studies" })
        {
            using var response = await owner.GetAsync(page);
            Assert.True(response.IsSuccessStatusCode, $"{page}: {(int)response.StatusCode}");
            all.AppendLine(await response.Content.ReadAsStringAsync());
        }

        var (_, reader) = await _app.ApiKeyClientAsync(Slug);
        using (reader)
        {
            foreach (var profile in Profiles)
            {
                foreach (var format in Formats)
                {
                    using var response = await reader.GetAsync($"/api/studies/{Slug}/export?format={format}&profile={profile}");
                    Assert.True(response.IsSuccessStatusCode, $"{format}/{profile}: {(int)response.StatusCode}");
                    var bytes = await response.Content.ReadAsByteArrayAsync();
                    all.AppendLine(format == "csv" ? Unzipped(bytes) : Encoding.UTF8.GetString(bytes));
                }
            }
        }

        foreach (var path in new[] { "me", "items", "my-value" })
        {
            using var response = await SendAsync(HttpMethod.Get, path, stayerToken);
            all.AppendLine(await response.Content.ReadAsStringAsync());
        }

        // The audit page's table as its service builds it (the page itself renders it after it connects).
        var audit = new AuditSnapshot(Slug, await _app.Services.GetRequiredService<IEventLog>().ReadStudyAsync(Slug), ConsoleText);
        foreach (var entry in audit.Entries)
        {
            all.Append(entry.Actor).Append(' ').AppendLine(entry.Summary);
        }

        all.AppendLine(string.Join(' ', audit.Actors));
        return all.ToString();
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Unzipped(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var text = new StringBuilder();
        foreach (var entry in archive.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            text.AppendLine(reader.ReadToEnd());
        }

        return text.ToString();
    }

    private static string Url(string path) => $"/api/v1/studies/{Slug}/participation/{path}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await _client.SendAsync(request);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await SendAsync(method, path, token, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }
}
