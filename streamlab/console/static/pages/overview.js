// Overview: the active pipeline as a live flow, every service's health, where the lab's services are.
"use strict";

SL.page({
  id: "overview",
  enter(view, {scope}) {
    const {h, fmt} = SL;
    const diagram = SL.flowDiagram();
    const pipelineLine = h("p", {class: "pipeline-line"});
    const problems = h("div", {class: "problems"});
    const services = h("div", {class: "services"});
    const settings = h("div");
    view.append(
      problems,
      SL.card("Pipeline", pipelineLine, h("div", {class: "flow-wrap"}, diagram.el)),
      h("div", {class: "columns"}, SL.card("Services", services), SL.card("Where the lab is", settings)),
    );

    // The sampler's probes, as a student would name what failed.
    const PROBES = {flow: "pipeline", offsets: "Kafka", groups: "consumer groups", connectors: "Kafka Connect",
      opensearch: "OpenSearch", s3: "S3", services: "services"};

    function showFlow(flow) {
      if (!flow) return;
      diagram.render(flow);
      showPipelineLine(flow, SL.live.sample);
      diagram.update(SL.live.sample, SL.live.history);
    }

    function showPipelineLine(flow, sample) {
      const unknown = sample && sample.errors && sample.errors.flow;
      pipelineLine.replaceChildren(flow.pipeline
        ? h("span", {}, h("span", {class: "pill", text: flow.pipeline}), " ", flow.about)
        : h("span", {class: "hint", text: unknown ? "which pipeline is active is unknown while Kafka Connect does not answer" : flow.about}));
    }

    function showSample(sample) {
      diagram.update(sample, SL.live.history);
      if (SL.live.flow) showPipelineLine(SL.live.flow, sample);
      // One line per distinct problem, naming every part it stops (Connect down stops two probes).
      const byLine = new Map();
      for (const [probe, line] of Object.entries((sample && sample.errors) || {})) {
        byLine.set(line, [...(byLine.get(line) || []), PROBES[probe] || probe]);
      }
      problems.replaceChildren(...[...byLine].map(([line, parts]) => h("div", {class: "error-box"}, h("strong", {text: parts.join(", ")}), " ", line)));
      services.replaceChildren(...((sample && sample.services) || []).map(serviceCard));
    }

    function serviceCard(service) {
      return h("div", {class: `service ${service.state}`, dataset: {service: service.name}},
        h("div", {class: "service-name", text: service.name}),
        SL.stateBadge(service.state),
        h("div", {class: "service-facts"},
          service.port ? h("span", {text: `:${service.port}`}) : null,
          service.memory_mb ? h("span", {text: `${fmt.num(Math.round(service.memory_mb))} MiB`}) : null,
          service.pid ? h("span", {class: "dim", text: `pid ${service.pid}`}) : null));
    }

    const lab = SL.meta.lab;
    settings.append(SL.keyValues(Object.entries(lab.settings).map(([k, v]) => [k, h("code", {text: v || "(AWS)"})])));

    scope.on("flow", showFlow);
    scope.on("sample", showSample);
    if (SL.live.flow) showFlow(SL.live.flow);
    if (SL.live.sample) showSample(SL.live.sample);
  },
});
