using Bunit;
using Microsoft.AspNetCore.Components;
using MoralGraph.Web.Components.Participation;

namespace MoralGraph.Web.Tests.Components.Participation;

public sealed class ConsentStepTests : BunitTestContext
{
    private readonly List<string?> _agreed = [];

    public ConsentStepTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    [Fact]
    public void Prerendered_before_the_circuit_is_interactive_the_box_and_the_code_take_no_input_and_start_is_disabled()
    {
        // A tick on the prerendered page would be dropped when the circuit takes over, so nothing may accept one.
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var consent = RenderConsent(requiresInvite: true);

        Assert.True(consent.Find("[data-testid=consent-checkbox]").HasAttribute("disabled"));
        Assert.True(consent.Find("[data-testid=invite-code]").HasAttribute("disabled"));
        Assert.True(StartButton(consent).HasAttribute("disabled"));
    }

    [Fact]
    public void Start_is_disabled_and_raises_nothing_until_the_box_is_ticked()
    {
        var consent = RenderConsent();

        Assert.True(StartButton(consent).HasAttribute("disabled"));
        StartButton(consent).Click();
        Assert.Empty(_agreed);

        consent.Find("[data-testid=consent-checkbox]").Change(true);
        Assert.False(StartButton(consent).HasAttribute("disabled"));
        StartButton(consent).Click();

        Assert.Equal([null], _agreed);
    }

    [Fact]
    public void Unticking_the_box_disables_start_again()
    {
        var consent = RenderConsent();

        consent.Find("[data-testid=consent-checkbox]").Change(true);
        consent.Find("[data-testid=consent-checkbox]").Change(false);

        Assert.True(StartButton(consent).HasAttribute("disabled"));
    }

    [Fact]
    public void With_an_invite_only_study_start_waits_for_a_code_too()
    {
        var consent = RenderConsent(requiresInvite: true);

        consent.Find("[data-testid=consent-checkbox]").Change(true);
        Assert.True(StartButton(consent).HasAttribute("disabled"));
        consent.Find("[data-testid=invite-code]").Input("   ");
        Assert.True(StartButton(consent).HasAttribute("disabled"));

        consent.Find("[data-testid=invite-code]").Input("SPRING-24");
        StartButton(consent).Click();

        Assert.Equal(["SPRING-24"], _agreed);
    }

    [Fact]
    public void A_study_without_invites_asks_for_no_code()
    {
        var consent = RenderConsent();

        Assert.Empty(consent.FindAll("[data-testid=invite-code]"));
    }

    [Fact]
    public void An_invite_code_from_the_link_is_filled_in()
    {
        var consent = Render<ConsentStep>(parameters => parameters
            .Add(p => p.RequiresInvite, true)
            .Add(p => p.InviteCode, "SPRING-24")
            .Add(p => p.OnAgree, (string? code) => _agreed.Add(code)));

        consent.Find("[data-testid=consent-checkbox]").Change(true);
        StartButton(consent).Click();

        Assert.Equal("SPRING-24", consent.Find("[data-testid=invite-code]").GetAttribute("value"));
        Assert.Equal(["SPRING-24"], _agreed);
    }

    [Theory]
    [InlineData("Refused.Full", "This study is full: it has as many participants as it can take.")]
    [InlineData("Refused.InviteUnknown", "That invite code is not one of this study's. Please check it.")]
    public void A_refusal_is_shown_in_words(string refusal, string expected)
    {
        var consent = Render<ConsentStep>(parameters => parameters.Add(p => p.Refusal, refusal));

        Assert.Equal(expected, consent.Find("[data-testid=consent-refusal]").TextContent.Trim());
    }

    [Fact]
    public void The_consent_says_what_is_collected_and_that_withdrawing_is_possible()
    {
        var consent = Render<ConsentStep>(parameters => parameters.Add(p => p.StudyDescription, "A study about grief."));

        var text = consent.Find("section").TextContent;
        Assert.Contains("A study about grief.", text, StringComparison.Ordinal);
        Assert.Contains("We never ask for your name", text, StringComparison.Ordinal);
        Assert.Contains("You can withdraw at any time", text, StringComparison.Ordinal);
        Assert.Empty(consent.FindAll("[role=alert]"));
    }

    private IRenderedComponent<ConsentStep> RenderConsent(bool requiresInvite = false) => Render<ConsentStep>(parameters => parameters
        .Add(p => p.RequiresInvite, requiresInvite)
        .Add(p => p.OnAgree, (string? code) => _agreed.Add(code)));

    private static AngleSharp.Dom.IElement StartButton(IRenderedComponent<ConsentStep> consent) => consent.Find("[data-testid=consent-start]");
}
