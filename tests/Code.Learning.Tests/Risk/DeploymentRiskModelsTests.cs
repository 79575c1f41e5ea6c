using Code.Learning.Risk;
using Code.Learning.Supervised;

namespace Code.Learning.Tests.Risk;

public class DeploymentRiskModelsTests
{
    [Fact]
    public void Create_gives_an_untrained_model_that_learns()
    {
        var model = DeploymentRiskModels.Create(new FtrlOptions { HashBits = 10 });
        var features = new DeploymentRiskFeatures("checkout") { LinesChanged = 10 };
        Assert.Equal(0.5, model.PredictFailureProbability(features));
        for (var i = 0; i < 50; i++)
        {
            model.RecordOutcome(features, true);
        }

        Assert.True(model.PredictFailureProbability(features) > 0.7);
    }
}
