import { z } from "zod";

/** One model inside a profile. */
const ProfileModelSchema = z.looseObject({
  key: z.string(),
  provider_class: z.string().optional(),
  model: z.string().optional(),
  priority: z.number().optional(),
});

/** One model profile (`baseline`, `premium`, …). */
const ModelProfileInfoSchema = z.looseObject({
  profile: z.string(),
  title: z.string(),
  summary: z.string(),
  model_count: z.number().int().nonnegative(),
  models: z.array(ProfileModelSchema),
});

/** Output of `model_profiles` (free, no key needed). */
export const ModelProfilesOutputSchema = z.looseObject({
  default_profile: z.string(),
  profiles: z.array(ModelProfileInfoSchema),
  message: z.string(),
});
export type ModelProfilesOutput = z.infer<typeof ModelProfilesOutputSchema>;
