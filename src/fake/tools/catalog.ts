import { z } from "zod";
import { defineTool, READER_ANNOTATIONS } from "./context.js";

const SAMPLES = [
  "Open a small veterinary clinic in Copenhagen within 12 months, budget 2 million DKK.",
  "Launch a community solar co-op for 300 households in a rural county.",
  "Build a lunar research outpost for 6 people by 2040, with international partners.",
  "Turn an abandoned rail line into a 40 km bicycle greenway.",
  "Set up a nationwide blood-donation reminder service run by volunteers.",
];

const EXAMPLES = [
  { title: "Veterinary clinic in Copenhagen", slug: "vet-clinic-copenhagen" },
  { title: "Community solar co-op", slug: "community-solar-coop" },
  { title: "Lunar research outpost", slug: "lunar-outpost" },
];

const PROFILES = [
  {
    profile: "baseline",
    title: "Baseline",
    summary: "Cheapest and fastest; good for drafts.",
    models: [
      { key: "baseline-fast", provider_class: "OpenRouter", model: "fast-small", priority: 1 },
    ],
  },
  {
    profile: "premium",
    title: "Premium",
    summary: "Stronger models; slower and costs more credits.",
    models: [
      { key: "premium-main", provider_class: "OpenRouter", model: "strong-large", priority: 1 },
      {
        key: "premium-fallback",
        provider_class: "OpenRouter",
        model: "strong-medium",
        priority: 2,
      },
    ],
  },
  {
    profile: "frontier",
    title: "Frontier",
    summary: "The strongest models available; the slowest and most expensive.",
    models: [
      { key: "frontier-main", provider_class: "OpenRouter", model: "frontier-xl", priority: 1 },
    ],
  },
  {
    profile: "custom",
    title: "Custom",
    summary: "Models chosen by the server operator.",
    models: [{ key: "custom-main" }],
  },
];

export const examplePrompts = defineTool({
  name: "example_prompts",
  description: "Example prompts that make good plans. Free: no API key needed.",
  inputSchema: z.object({}),
  annotations: READER_ANNOTATIONS,
  free: true,
  handler: () => ({ samples: [...SAMPLES], message: `${SAMPLES.length} example prompts.` }),
});

export const examplePlans = defineTool({
  name: "example_plans",
  description: "Finished example plans with their report and zip. Free: no API key needed.",
  inputSchema: z.object({}),
  annotations: READER_ANNOTATIONS,
  free: true,
  handler: () => ({
    plans: EXAMPLES.map(({ title, slug }) => ({
      title,
      report_url: `https://planexe.org/examples/${slug}/report.html`,
      zip_url: `https://planexe.org/examples/${slug}/run.zip`,
    })),
    message: `${EXAMPLES.length} example plans.`,
  }),
});

export const modelProfiles = defineTool({
  name: "model_profiles",
  description:
    "The model profiles plan_create accepts, with their models. Free: no API key needed.",
  inputSchema: z.object({}),
  annotations: READER_ANNOTATIONS,
  free: true,
  handler: () => ({
    default_profile: "baseline",
    profiles: PROFILES.map((p) => ({ ...p, model_count: p.models.length })),
    message: `${PROFILES.length} model profiles.`,
  }),
});
