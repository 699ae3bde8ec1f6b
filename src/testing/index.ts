export { createManualClock, type ManualClock, type ManualClockOptions } from "./manual-clock.js";
