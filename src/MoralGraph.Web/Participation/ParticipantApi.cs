using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MoralGraph.Core.Interview;
using MoralGraph.Core.Participation;
using MoralGraph.Core.Values;
using MoralGraph.Core.Voting;
using MoralGraph.Web.Live;
using MoralGraph.Web.Security;

namespace MoralGraph.Web.Participation;

/// <summary>Limits of the participant API (configuration section <c>ParticipantApiOptions</c>).</summary>
public sealed class ParticipantApiOptions
{
    /// <summary>Requests one participant may make per minute (a person at human pace makes a few); 0 turns the limit off.</summary>
    [Range(0, 1_000_000, ErrorMessage = "ParticipantApiOptions:PerParticipantPerMinute must be between 0 and 1,000,000.")]
    public int PerParticipantPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests one network address may make per minute, participants together. A whole assembly hall can sit behind one
    /// address, so the default allows a thousand people at a brisk pace; 0 turns the limit off.
    /// </summary>
    [Range(0, 10_000_000, ErrorMessage = "ParticipantApiOptions:PerAddressPerMinute must be between 0 and 10,000,000.")]
    public int PerAddressPerMinute { get; set; } = 30_000;
}

/// <summary>
/// The participant journey over HTTP (<c>/api/v1/studies/{slug}/participation/…</c>) for kiosks, SMS and chat bridges,
/// other front ends and the load harness: the same <see cref="ParticipationService"/>, rules and idempotency as the
/// pages, the same pseudonymous cookie or a bearer participant token (<c>Authorization: Bearer mgp_…</c>, returned by
/// join and resume). Refusals are problem documents whose <c>code</c> is the journey's refusal key; a participant or
/// an address over its rate limit gets 429 with <c>Retry-After</c>.
/// </summary>
public static class ParticipantApi
{
    /// <summary>Where the endpoints live; <c>{slug}</c> is the study.</summary>
    public const string Prefix = "/api/v1/studies/{slug}/participation";

    /// <summary>
    /// The options and the rate limiter: each participant's requests, then each address's, counted in token buckets that
    /// outlive requests (<see cref="PartitionedRateLimiter"/> keeps one per participant and one per address), in this
    /// process or, with Redis configured, shared by every instance (<see cref="ITokenBucketPartitions"/>). Only the
    /// participant API is limited.
    /// </summary>
    public static IServiceCollection AddParticipantApi(this IServiceCollection services)
    {
        services.AddOptions<ParticipantApiOptions>().BindConfiguration(nameof(ParticipantApiOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        // Buckets in this process; AddRedisScaleOut puts them in Redis, so the limits hold across instances.
        services.TryAddSingleton<ITokenBucketPartitions, InMemoryTokenBucketPartitions>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ParticipantApiOptions>, ParticipantCookies, ITokenBucketPartitions>((limiter, apiOptions, cookies, buckets) =>
        {
            var limits = apiOptions.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    limits.PerParticipantPerMinute > 0 && StudyOf(context.Request) is { } slug && cookies.ReadRequest(context.Request, slug) is { } session
                        ? buckets.Partition($"participant:{slug}/{session.ParticipantId}", Bucket(limits.PerParticipantPerMinute))
                        : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    limits.PerAddressPerMinute > 0 && StudyOf(context.Request) is not null
                        ? buckets.Partition($"address:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}", Bucket(limits.PerAddressPerMinute))
                        : RateLimitPartition.GetNoLimiter(string.Empty)));
        });
        return services;
    }

    /// <summary>The study a participant API request is about, or null for any other request.</summary>
    private static string? StudyOf(HttpRequest request)
    {
        // /api/v1/studies/{slug}/participation/…
        var segments = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments is ["api", "v1", "studies", var slug, "participation", ..] ? slug : null;
    }

    // A minute's allowance refilled a sixth at a time every ten seconds: bursts up to the whole minute, then the pace.
    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = Math.Max(1, perMinute / 6),
        ReplenishmentPeriod = TimeSpan.FromSeconds(10),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapParticipantApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).WithTags("Participation").AllowAnonymous()
            .WithMetadata(RequestBodyLimits.Limit(RequestBodyLimits.ParticipantApiBytes))
            // The participant's token (or cookie) identifies them, except to join and to resume (marked below).
            .WithMetadata(new BearerTokenMetadata(Required: true));

        api.MapPost("/join", JoinAsync).WithName("JoinStudy").WithMetadata(new BearerTokenMetadata(Required: false))
            .WithSummary("Agree to the consent statement and take part; answers the participant id, the resume code (shown once) and a bearer token.");
        api.MapPost("/resume", ResumeAsync).WithName("ResumeParticipation").WithMetadata(new BearerTokenMetadata(Required: false)).WithSummary("Continue with a resume code; answers a bearer token.");
        api.MapGet("/me", MeAsync).WithName("GetParticipation").WithSummary("Where the participant is: step, question, interview so far, draft or card, items left.");
        api.MapPost("/question", ChooseQuestionAsync).WithName("ChooseQuestion").WithSummary("Choose the question to be interviewed about.");
        api.MapPost("/interview", InterviewAsync).WithName("InterviewTurn")
            .WithSummary("Send an answer (or 'done' to end the list of policies) and get the interviewer's reply; with no text, the reply still owed.");
        api.MapPut("/card/draft", SaveDraftAsync).WithName("SaveCardDraft").WithSummary("Save the card as being edited (nothing typed is lost).");
        api.MapPost("/card/confirm", ConfirmCardAsync).WithName("ConfirmCard").WithSummary("Confirm the card; 422 with every problem when it breaks the rules.");
        api.MapGet("/items", ItemsAsync).WithName("GetVoteItems").WithSummary("The wiser-than items to answer, drawn on the first call.");
        api.MapPost("/items/{itemId}/vote", VoteAsync).WithName("Vote").WithSummary("Answer one item; answers how everyone has answered it so far.");
        api.MapPost("/membership", MembershipAsync).WithName("AnswerMembership").WithSummary("Answer 'is this still your value?' after a merge.");
        api.MapPost("/survey", SurveyAsync).WithName("AnswerSurvey").WithSummary("Answer the closing survey (1 to 5 per question; skipped ones left out).");
        api.MapPost("/withdraw", WithdrawAsync).WithName("Withdraw").WithSummary("Withdraw: every contribution leaves the study's graph and exports.");
        api.MapGet("/my-value", MyValueAsync).WithName("GetMyValue").WithSummary("The participant's card, the value it joined and its rank per context.");
        return endpoints;
    }

    internal static async Task<Results<Created<JoinResponse>, ProblemHttpResult>> JoinAsync(
        string slug, JoinRequest request, HttpContext context, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken)
    {
        if (request is not { Consent: true })
        {
            return Refusal(text, "Refused.ConsentRequired", StatusCodes.Status400BadRequest);
        }

        try
        {
            var joined = await journey.JoinAsync(slug, request.InviteCode, request.Language, cancellationToken);
            var session = new ParticipantSession(joined.ParticipantId, joined.ResumeCode);
            context.Response.Cookies.Append(ParticipantCookies.CookieName(slug), cookies.Protect(session), ParticipantCookies.CookieOptionsFor(context.Request));
            return TypedResults.Created($"{Prefix.Replace("{slug}", slug, StringComparison.Ordinal)}/me",
                new JoinResponse(joined.ParticipantId, joined.ResumeCode, cookies.CreateBearer(slug, session), ParticipationService.ConsentVersion));
        }
        catch (JourneyRefusedException e)
        {
            return Refusal(text, e);
        }
    }

    internal static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> ResumeAsync(
        string slug, ResumeRequest request, HttpContext context, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken)
    {
        if (await journey.FindByResumeCodeAsync(slug, request.ResumeCode ?? string.Empty, cancellationToken) is not { } participantId)
        {
            return Refusal(text, "Refused.UnknownResumeCode", StatusCodes.Status404NotFound);
        }

        var session = new ParticipantSession(participantId, ResumeCode.Normalize(request.ResumeCode!)!);
        context.Response.Cookies.Append(ParticipantCookies.CookieName(slug), cookies.Protect(session), ParticipantCookies.CookieOptionsFor(context.Request));
        return TypedResults.Ok(new JoinResponse(participantId, session.ResumeCode, cookies.CreateBearer(slug, session), ParticipationService.ConsentVersion));
    }

    internal static Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> MeAsync(string slug, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, participantId => CurrentAsync(journey, slug, participantId, cancellationToken));

    internal static Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> ChooseQuestionAsync(
        string slug, QuestionRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            await journey.ChooseQuestionAsync(slug, participantId, request.QuestionId ?? string.Empty, cancellationToken);
            return await CurrentAsync(journey, slug, participantId, cancellationToken);
        });

    internal static Task<Results<Ok<InterviewReplyResponse>, ProblemHttpResult>> InterviewAsync(
        string slug, InterviewTurnRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            var intent = request.Intent switch
            {
                null or "answer" => InterviewIntent.Answer,
                "done" => InterviewIntent.Done,
                _ => throw new JourneyRefusedException("Refused.UnknownIntent"),
            };
            var reply = new System.Text.StringBuilder();
            InterviewStage? stage = null;
            await foreach (var update in journey.InterviewAsync(slug, participantId, intent == InterviewIntent.Done ? null : request.Text, intent, cancellationToken))
            {
                switch (update)
                {
                    case InterviewTextDelta delta:
                        reply.Append(delta.Text);
                        break;
                    case InterviewReplyDiscarded:
                        reply.Clear();
                        break;
                    case InterviewTurnCompleted completed:
                        stage = completed.Stage;
                        break;
                }
            }

            var view = await journey.ViewAsync(slug, participantId, cancellationToken);
            var draft = view?.Participant?.Draft is { } saved ? new CardDraft(saved.Title, saved.Description, saved.Policies) : null;
            return new InterviewReplyResponse(reply.ToString().Trim(), Name(stage ?? view?.Participant?.InterviewStage ?? InterviewStage.Story), draft);
        });

    internal static Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> SaveDraftAsync(
        string slug, CardRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            await journey.SaveDraftAsync(slug, participantId, request.ToDraft(), cancellationToken);
            return await CurrentAsync(journey, slug, participantId, cancellationToken);
        });

    internal static async Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> ConfirmCardAsync(
        string slug, CardRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken)
    {
        if (cookies.ReadRequest(http, slug) is not { } session)
        {
            return NotParticipant(text);
        }

        try
        {
            var result = await journey.ConfirmCardAsync(slug, session.ParticipantId, request.ToDraft(), cancellationToken);
            if (!result.IsValid)
            {
                var problems = result.Problems.Where(p => p.Severity == Core.Elicitation.ProblemSeverity.Error)
                    .GroupBy(p => p.Field, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(p => ProblemText.For(text, p)).ToArray(), StringComparer.Ordinal);
                // 422: the request was understood, the card breaks the method's rules; each field lists its problems.
                return TypedResults.Problem(new HttpValidationProblemDetails(problems)
                {
                    Status = StatusCodes.Status422UnprocessableEntity, Title = text["Refused.CardInvalid"].Value, Extensions = { ["code"] = "Refused.CardInvalid" },
                });
            }

            return TypedResults.Ok(await CurrentAsync(journey, slug, session.ParticipantId, cancellationToken));
        }
        catch (JourneyRefusedException e)
        {
            return Refusal(text, e);
        }
    }

    internal static Task<Results<Ok<ItemsResponse>, ProblemHttpResult>> ItemsAsync(
        string slug, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            var pending = await journey.PendingItemsAsync(slug, participantId, cancellationToken);
            var view = await journey.ViewAsync(slug, participantId, cancellationToken) ?? throw new JourneyRefusedException("Refused.UnknownStudy");
            var items = pending.Where(view.IsAvailable).Select(item => new ItemResponse(
                item.ItemId,
                new ContextResponse(item.Context.QuestionId, item.Context.ContextId,
                    view.Study.FindQuestion(item.Context.QuestionId)?.FindContext(item.Context.ContextId)?.Text ?? item.Context.ContextId),
                ValueResponse.Shown(view, item.FromValueId), ValueResponse.Shown(view, item.ToValueId), item.Story)).ToList();
            return new ItemsResponse(items, view.Participant?.DrawnItems.Count() ?? 0);
        });

    internal static Task<Results<Ok<VoteResponse>, ProblemHttpResult>> VoteAsync(
        string slug, string itemId, VoteRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            var verdict = request.Verdict switch
            {
                "wiser" => Verdict.Wiser,
                "not-wiser" => Verdict.NotWiser,
                "unsure" => Verdict.Unsure,
                _ => throw new JourneyRefusedException("Refused.UnknownVerdict"),
            };
            var tally = await journey.VoteAsync(slug, participantId, itemId, verdict, request.Comment, cancellationToken);
            return new VoteResponse(itemId, new TallyResponse(tally.Wiser, tally.NotWiser, tally.Unsure));
        });

    internal static Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> MembershipAsync(
        string slug, MembershipRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            await journey.AnswerMembershipAsync(slug, participantId, request.StillMine, cancellationToken);
            return await CurrentAsync(journey, slug, participantId, cancellationToken);
        });

    internal static Task<Results<Ok<ParticipationResponse>, ProblemHttpResult>> SurveyAsync(
        string slug, SurveyRequest request, HttpRequest http, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            await journey.AnswerSurveyAsync(slug, participantId, request.Answers ?? new Dictionary<string, int>(), cancellationToken);
            return await CurrentAsync(journey, slug, participantId, cancellationToken);
        });

    internal static async Task<Results<NoContent, ProblemHttpResult>> WithdrawAsync(
        string slug, HttpContext context, ParticipationService journey, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken)
    {
        if (cookies.ReadRequest(context.Request, slug) is not { } session)
        {
            return NotParticipant(text);
        }

        try
        {
            await journey.WithdrawAsync(slug, session.ParticipantId, cancellationToken);
            context.Response.Cookies.Delete(ParticipantCookies.CookieName(slug), new CookieOptions { Path = "/" });
            return TypedResults.NoContent();
        }
        catch (JourneyRefusedException e)
        {
            return Refusal(text, e);
        }
    }

    internal static Task<Results<Ok<MyValueResponse>, ProblemHttpResult>> MyValueAsync(
        string slug, HttpRequest http, ParticipationService journey, LiveReconciliation reconciliation, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, CancellationToken cancellationToken) =>
        AsParticipantAsync(slug, http, cookies, text, async participantId =>
        {
            var mine = await journey.MyValueAsync(slug, participantId, cancellationToken) ?? throw new JourneyRefusedException("Refused.NoCard");
            var latest = await reconciliation.LatestOrNowAsync(slug, cancellationToken);
            var contexts = mine.Contexts.Select(context =>
            {
                var graph = latest?.Graph(mine.QuestionId ?? string.Empty, context.Id);
                var ranked = graph?.Ranking.FirstOrDefault(r => r.ValueId == mine.Value?.Id);
                return new MyValueContextResponse(context.Id, context.Text, ranked?.Rank, graph?.Ranking.Count, ranked?.Score);
            }).ToList();
            return new MyValueResponse(mine.Card.CardId, new CardDraft(mine.Card.Title, mine.Card.Description, mine.Card.Policies),
                mine.Value is { } value ? ValueResponse.Of(value) : null, contexts, latest?.ComputedAt)
            {
                UnderReview = mine.UnderReview,
            };
        });

    private static async Task<ParticipationResponse> CurrentAsync(ParticipationService journey, string slug, string participantId, CancellationToken cancellationToken)
    {
        var view = await journey.ViewAsync(slug, participantId, cancellationToken) ?? throw new JourneyRefusedException("Refused.UnknownStudy");
        var participant = view.Participant ?? throw new JourneyRefusedException("Refused.NotParticipant");
        var question = view.Study.FindQuestion(participant.QuestionId ?? string.Empty);
        return new ParticipationResponse(
            participant.Id,
            Name(view.Step),
            Name(view.Study.Phase),
            question is null ? null : new QuestionResponse(question.Id, question.Title, question.Prompt),
            [.. view.Study.Questions.Select(q => new QuestionResponse(q.Id, q.Title, q.Prompt))],
            [.. participant.Transcript.Select(m => new MessageResponse(m.Turn, m.Role == InterviewRole.Interviewer ? "interviewer" : "participant", m.Text, Name(m.Stage)))],
            participant.Draft is { } draft ? new CardDraft(draft.Title, draft.Description, draft.Policies) : null,
            participant.CardId,
            participant.PendingItems.Count(view.IsAvailable),
            view.MembershipValue is { } membership ? ValueResponse.Of(membership) : null,
            participant.Survey is not null);
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> AsParticipantAsync<T>(
        string slug, HttpRequest http, ParticipantCookies cookies, IStringLocalizer<JourneyText> text, Func<string, Task<T>> action)
    {
        if (cookies.ReadRequest(http, slug) is not { } session)
        {
            return NotParticipant(text);
        }

        try
        {
            // Their previous request may have gone to another instance (a lost sticky session): this one catches up first.
            await http.HttpContext.RequestServices.GetRequiredService<ParticipationService>().ArriveAsync(slug, session.ParticipantId, http.HttpContext.RequestAborted);
            return TypedResults.Ok(await action(session.ParticipantId));
        }
        catch (JourneyRefusedException e)
        {
            return Refusal(text, e);
        }
    }

    private static ProblemHttpResult NotParticipant(IStringLocalizer<JourneyText> text) => Refusal(text, "Refused.NotParticipant", StatusCodes.Status401Unauthorized);

    private static ProblemHttpResult Refusal(IStringLocalizer<JourneyText> text, JourneyRefusedException refusal) =>
        Refusal(text, refusal.MessageKey, StatusOf(refusal.MessageKey));

    private static ProblemHttpResult Refusal(IStringLocalizer<JourneyText> text, string key, int status)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = key };
        var problem = TypedResults.Problem(statusCode: status, title: text[key].Value, extensions: extensions);
        return problem;
    }

    /// <summary>The HTTP status of a refusal: the request's fault (400), no such thing (404), not now (409), or the store's (503).</summary>
    internal static int StatusOf(string key) => key switch
    {
        "Refused.UnknownStudy" or "Refused.UnknownItem" or "Refused.NoCard" => StatusCodes.Status404NotFound,
        "Refused.NotParticipant" => StatusCodes.Status401Unauthorized,
        "Refused.Full" or "Refused.InviteFull" or "Refused.Closed" or "Refused.NotOpen" or "Refused.InterviewClosed" or "Refused.ChangedElsewhere"
            or "Refused.WaitForReply" or "Refused.NoQuestion" => StatusCodes.Status409Conflict,
        "Refused.NotSaved" => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

/// <summary>Consent and, when the study needs one, an invite code.</summary>
/// <param name="Consent">Must be true: the participant agreed to the consent statement (<c>consentVersion</c> in the answer).</param>
/// <param name="InviteCode">The invite code, for studies that use them.</param>
public sealed record JoinRequest(bool Consent, string? InviteCode)
{
    /// <summary>The language to take part in (a BCP-47 tag, e.g. <c>es</c>); the study's first language when it does not offer it or none is given.</summary>
    public string? Language { get; init; }
}

/// <summary>A resume code as the participant typed it.</summary>
/// <param name="ResumeCode">E.g. <c>K7QM3-XPD9A</c>.</param>
public sealed record ResumeRequest(string? ResumeCode);

/// <summary>Who the participant is now.</summary>
/// <param name="ParticipantId">Their pseudonymous id.</param>
/// <param name="ResumeCode">Their resume code (only its hash is stored; show it to them).</param>
/// <param name="Token">A bearer token for the other endpoints (<c>Authorization: Bearer …</c>); the cookie set with this answer works too.</param>
/// <param name="ConsentVersion">The consent statement agreed to.</param>
public sealed record JoinResponse(string ParticipantId, string ResumeCode, string Token, string ConsentVersion);

/// <summary>A question chosen.</summary>
/// <param name="QuestionId">The question's id.</param>
public sealed record QuestionRequest(string? QuestionId);

/// <summary>One turn of the interview.</summary>
/// <param name="Text">The participant's answer (plain text); omit it to get the reply still owed.</param>
/// <param name="Intent"><c>answer</c> (default) or <c>done</c> (ends the list of policies).</param>
public sealed record InterviewTurnRequest(string? Text, string? Intent);

/// <summary>The interviewer's reply.</summary>
/// <param name="Reply">What the interviewer said (plain text).</param>
/// <param name="Stage">The interview's stage after it (<c>story</c> … <c>review</c>).</param>
/// <param name="Draft">The card drafted so far, once there is one.</param>
public sealed record InterviewReplyResponse(string Reply, string Stage, CardDraft? Draft);

/// <summary>A values card as written.</summary>
/// <param name="Title">Title.</param>
/// <param name="Description">Description.</param>
/// <param name="Policies">Attentional policies, one per entry.</param>
public sealed record CardRequest(string? Title, string? Description, IReadOnlyList<string>? Policies)
{
    internal CardDraft ToDraft() => new(Title ?? string.Empty, Description ?? string.Empty, Policies ?? []);
}

/// <summary>An answer to one wiser-than item.</summary>
/// <param name="Verdict"><c>wiser</c>, <c>not-wiser</c> or <c>unsure</c>.</param>
/// <param name="Comment">An optional "why?" (at most 500 characters).</param>
public sealed record VoteRequest(string? Verdict, string? Comment);

/// <summary>"Is this still your value?"</summary>
/// <param name="StillMine">True to stay with the value the card joined; false gives the card a value of its own again.</param>
public sealed record MembershipRequest(bool StillMine);

/// <summary>The closing survey.</summary>
/// <param name="Answers">Survey question id → 1 to 5.</param>
public sealed record SurveyRequest(IReadOnlyDictionary<string, int>? Answers);

/// <summary>A question of the study.</summary>
public sealed record QuestionResponse(string Id, string Title, string Prompt);

/// <summary>One message of the interview.</summary>
public sealed record MessageResponse(int Turn, string Role, string Text, string Stage);

/// <summary>Where the participant is.</summary>
/// <param name="ParticipantId">Their pseudonymous id.</param>
/// <param name="Step"><c>question</c>, <c>interview</c>, <c>card</c>, <c>voting</c>, <c>survey</c> or <c>done</c>.</param>
/// <param name="Phase">The study's phase.</param>
/// <param name="Question">Their question, once chosen.</param>
/// <param name="Questions">The questions they may choose from.</param>
/// <param name="Transcript">The interview so far.</param>
/// <param name="Draft">The card as last saved, before it is confirmed.</param>
/// <param name="CardId">Their confirmed card.</param>
/// <param name="ItemsLeft">Wiser-than items drawn and not yet answered.</param>
/// <param name="MembershipValue">The value their card joined, while they have not said whether it is still theirs.</param>
/// <param name="SurveyAnswered">True once they answered the survey.</param>
public sealed record ParticipationResponse(
    string ParticipantId, string Step, string Phase, QuestionResponse? Question, IReadOnlyList<QuestionResponse> Questions, IReadOnlyList<MessageResponse> Transcript,
    CardDraft? Draft, string? CardId, int ItemsLeft, ValueResponse? MembershipValue, bool SurveyAnswered);

/// <summary>A value as participants see it.</summary>
public sealed record ValueResponse(string Id, string Title, string Description, IReadOnlyList<string> Policies)
{
    /// <summary>The language the value's words are written in (a primary tag such as <c>es</c>); null where not given.</summary>
    public string? Language { get; init; }

    /// <summary>
    /// A model's translation of the value into the language the caller asked for with <c>Accept-Language</c>, shown
    /// beside the value's own words (which stay the value); null when the value is in that language or none exists.
    /// </summary>
    public ValueTranslationResponse? Translation { get; init; }

    internal static ValueResponse Of(CanonicalValue value) => new(value.Id, value.Title, value.Description, value.Policies);

    // The answer's language is the request's (the language middleware sets it from Accept-Language among the study's).
    internal static ValueResponse Shown(JourneyView view, string valueId) => Of(view.Values[valueId]) with
    {
        Language = view.ValueLanguages.GetValueOrDefault(valueId),
        Translation = view.TranslationShown(valueId, System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) is { } shown
            ? new ValueTranslationResponse(shown.Language, shown.Title, shown.Description, shown.Policies, shown.Provenance.ModelId, shown.Provenance.At)
            : null,
    };
}

/// <summary>A model's translation of a value, with the model that made it and when.</summary>
public sealed record ValueTranslationResponse(string Language, string Title, string Description, IReadOnlyList<string> Policies, string Model, DateTimeOffset TranslatedAt);

/// <summary>A context of a question.</summary>
public sealed record ContextResponse(string QuestionId, string ContextId, string Text);

/// <summary>One wiser-than item: in this context someone moved from value A to value B; did they become wiser?</summary>
public sealed record ItemResponse(string ItemId, ContextResponse Context, ValueResponse From, ValueResponse To, string Story);

/// <summary>The items left to answer.</summary>
/// <param name="Items">Unanswered items, in the order to show them.</param>
/// <param name="Drawn">Items drawn for the participant in all.</param>
public sealed record ItemsResponse(IReadOnlyList<ItemResponse> Items, int Drawn);

/// <summary>How an item was answered.</summary>
public sealed record TallyResponse(int Wiser, int NotWiser, int Unsure);

/// <summary>An answer recorded, and everyone's answers to the item so far.</summary>
public sealed record VoteResponse(string ItemId, TallyResponse Tallies);

/// <summary>The participant's value in one context.</summary>
public sealed record MyValueContextResponse(string ContextId, string Text, int? Rank, int? Of, double? Score);

/// <summary>Where the participant's value went.</summary>
/// <param name="CardId">Their card.</param>
/// <param name="Card">Its words.</param>
/// <param name="Value">The value it belongs to now.</param>
/// <param name="Contexts">Its rank per context of their question.</param>
/// <param name="RankedAt">When the ranks were computed (the study's latest background reconciliation).</param>
public sealed record MyValueResponse(string CardId, CardDraft Card, ValueResponse? Value, IReadOnlyList<MyValueContextResponse> Contexts, DateTimeOffset? RankedAt)
{
    /// <summary>True while the card waits for a facilitator's review after model moderation flagged it: it is in no vote, graph or export meanwhile.</summary>
    public bool UnderReview { get; init; }
}
