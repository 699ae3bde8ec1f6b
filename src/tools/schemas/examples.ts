import { z } from "zod";

/** Output of `example_prompts` (free, no key needed). */
export const ExamplePromptsOutputSchema = z.looseObject({
  samples: z.array(z.string()),
  message: z.string(),
});
export type ExamplePromptsOutput = z.infer<typeof ExamplePromptsOutputSchema>;

/** One finished example plan. */
const ExamplePlanSchema = z.looseObject({
  title: z.string(),
  report_url: z.string(),
  zip_url: z.string(),
});

/** Output of `example_plans` (free, no key needed). */
export const ExamplePlansOutputSchema = z.looseObject({
  plans: z.array(ExamplePlanSchema),
  message: z.string(),
});
export type ExamplePlansOutput = z.infer<typeof ExamplePlansOutputSchema>;
